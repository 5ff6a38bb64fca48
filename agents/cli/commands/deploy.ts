/** `stoa deploy`: deploys the platform to any RPC with `script/Deploy.s.sol` and writes the deployment file. */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { deploy, deploymentPath } from '../../stack/deploy.js';
import { createCliContext, parseAddress, parseInteger } from '../context.js';
import { action, chainOptions, examples } from '../options.js';

type DeployOptions = {
  tokenName?: string;
  tokenSymbol?: string;
  tokenDecimals?: string;
  operator?: string;
  kycProvider?: string;
  repSupply?: string;
};

export function register(program: Command): void {
  const command = chainOptions(
    program
      .command('deploy')
      .description(
        'deploy every contract with the forge script script/Deploy.s.sol (the key pays and becomes admin);\n' +
          'forge writes deployments/<chainId>.json, copied to --deployment <file> when given',
      ),
  )
    .option('--token-name <name>', 'share token name (STOA_TOKEN_NAME; default "Stoa Share")')
    .option('--token-symbol <symbol>', 'share token symbol (STOA_TOKEN_SYMBOL; default STOA)')
    .option('--token-decimals <n>', 'share token decimals (STOA_TOKEN_DECIMALS; default 0)')
    .option(
      '--operator <address>',
      'also gets the issuer, agent, compliance and oracle roles (STOA_OPERATOR)',
    )
    .option('--kyc-provider <address>', 'registered as KYC provider (STOA_KYC_PROVIDER)')
    .option(
      '--rep-supply <n>',
      'REP minted to the deployer, whole tokens (STOA_REP_SUPPLY; default 10,000,000)',
    )
    .action(
      action<[], DeployOptions>(async (_args, options) => {
        const env: Record<string, string> = {};
        if (options.tokenName) env.STOA_TOKEN_NAME = options.tokenName;
        if (options.tokenSymbol) env.STOA_TOKEN_SYMBOL = options.tokenSymbol;
        if (options.tokenDecimals)
          env.STOA_TOKEN_DECIMALS = String(parseInteger(options.tokenDecimals, '--token-decimals'));
        if (options.operator) env.STOA_OPERATOR = parseAddress(options.operator, '--operator');
        if (options.kycProvider) env.STOA_KYC_PROVIDER = parseAddress(options.kycProvider, '--kyc-provider');
        if (options.repSupply) env.STOA_REP_SUPPLY = String(parseInteger(options.repSupply, '--rep-supply'));
        const ctx = await createCliContext(options);
        const privateKey = ctx.privateKey();
        if (!options.json) process.stderr.write(`deploying to chain ${ctx.chainId} with forge script...\n`);
        const deployment = await deploy({ rpcUrl: options.rpc, chainId: ctx.chainId, privateKey, env });
        const written = deploymentPath(ctx.chainId);
        const file = resolve(ctx.deploymentFile);
        if (file !== written) {
          mkdirSync(dirname(file), { recursive: true });
          copyFileSync(written, file);
        }
        ctx.print(
          [
            `deployed to chain ${ctx.chainId}; addresses in ${file}`,
            ...Object.entries(deployment).map(([name, address]) => `  ${name.padEnd(18)} ${address}`),
          ],
          { chainId: ctx.chainId, file, contracts: deployment },
        );
      }),
    );
  examples(command, [
    'STOA_PRIVATE_KEY=0x... stoa deploy --rpc http://127.0.0.1:8545',
    'stoa deploy --rpc $RPC --key-file deployer.key --token-decimals 2 --kyc-provider 0xProvider',
    'stoa deploy --deployment staging.json --json',
  ]);
}
