import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../../shared/config.ts';
import { isAppError } from '../../shared/errors.ts';
import { translateProblem } from '../../shared/i18n/index.ts';
import { commands, type Command } from './commands.ts';

function usage(): string {
  const lines = ['Usage: lotbridge <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(14)} ${c.summary}`);
  lines.push('', 'Run `lotbridge <command> --help` for the options of one command.');
  return lines.join('\n');
}

function commandHelp(name: string, c: Command): string {
  const lines = [`Usage: lotbridge ${name} ${c.usage ?? '[options]'}`, '', c.summary];
  if (c.details) lines.push('', c.details);
  const opts = Object.entries(c.options ?? {});
  if (opts.length) {
    lines.push('', 'Options:');
    for (const [opt, o] of opts) lines.push(`  --${opt}${o.type === 'string' ? ' <value>' : ''}${o.multiple ? '…' : ''}`.padEnd(28) + (o.help ?? ''));
  }
  lines.push('  --help'.padEnd(28) + 'show this help');
  return lines.join('\n');
}

/** Runs one command and returns the process exit code: 0 done, 1 failed, 2 misused or misconfigured. */
export async function main(argv: string[]): Promise<number> {
  // Two-word commands ("user add", "audit verify") are looked up before one-word ones.
  const two = argv.slice(0, 2).join(' ');
  const name = two in commands ? two : argv[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`lotbridge: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const options: ParseArgsConfig['options'] = { help: { type: 'boolean' } };
    for (const [opt, o] of Object.entries(command.options ?? {})) options[opt] = o.multiple ? { type: o.type, multiple: true } : { type: o.type };
    values = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (e) {
    console.error(`lotbridge ${name}: ${(e as Error).message}\n\n${commandHelp(name, command)}`);
    return 2;
  }
  if (values.help) {
    console.log(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run(values);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`lotbridge: ${e.message}`);
      return 2;
    }
    if (isAppError(e)) {
      // Each field problem worded in English.
      const said = Object.entries(e.problems ?? {}).map(([k, p]) => `${k}: ${translateProblem('en', p)}`);
      const fields = said.length ? ' (' + said.join('; ') + ')' : '';
      console.error(`lotbridge ${name}: ${e.message}${fields}`);
      return e.code === 'invalid_input' ? 2 : 1;
    }
    console.error(`lotbridge ${name}: ${(e as Error).stack ?? e}`);
    return 1;
  }
}
