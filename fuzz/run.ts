/**
 * `npm run fuzz`: the importer and trigger fuzzers of issue 15, seeded and bounded.
 *
 *   node dist/fuzz/run.js [--seed N] [--files N] [--webhooks N] [--max-seconds N]
 *
 * Defaults: seed 1, 1,000 generated malformed CSV/TXT/XLSX files through the Contacts node
 * (fuzz/files.ts), 10,000 mutated signed and unsigned webhook deliveries through the trigger
 * node (fuzz/webhooks.ts), at most 900 s. Progress goes to stderr; stdout gets ONE JSON line:
 *   {"fuzz":"issue15","seed":1,"ok":true,"violations":0,"seconds":…,"files":{…},"webhooks":{…}}
 * Exit code 0 when there is no violation; 1 on any violation; 2 on a bad argument or when the
 * time bound is hit (then the JSON line carries "error").
 */
import { fuzzFiles } from './files';
import { fuzzWebhooks } from './webhooks';

interface Args {
	seed: number;
	files: number;
	webhooks: number;
	maxSeconds: number;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { seed: 1, files: 1000, webhooks: 10_000, maxSeconds: 900 };
	const names: Record<string, keyof Args> = { '--seed': 'seed', '--files': 'files', '--webhooks': 'webhooks', '--max-seconds': 'maxSeconds' };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const key = names[flag];
		if (!key) throw new Error(`Unknown argument ${JSON.stringify(argv[i])} (expected --seed N, --files N, --webhooks N, --max-seconds N)`);
		const raw = inline ?? argv[++i];
		const value = Number(raw);
		if (raw === undefined || !Number.isInteger(value) || value < 0 || (key === 'maxSeconds' && value === 0)) {
			throw new Error(`${flag} needs a whole number${key === 'maxSeconds' ? ' > 0' : ' ≥ 0'}, got ${JSON.stringify(raw)}`);
		}
		args[key] = value;
	}
	return args;
}

function print(line: Record<string, unknown>): void {
	process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<number> {
	let args: Args;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		print({ fuzz: 'issue15', ok: false, error: (error as Error).message });
		return 2;
	}
	const started = Date.now();
	const log = (s: string) => process.stderr.write(`[fuzz ${((Date.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
	const timer = setTimeout(() => {
		print({ fuzz: 'issue15', seed: args.seed, ok: false, error: `time bound hit: still running after ${args.maxSeconds} s (--max-seconds)` });
		process.exit(2);
	}, args.maxSeconds * 1000);
	timer.unref();

	log(`seed ${args.seed}: ${args.files} files, ${args.webhooks} webhook deliveries`);
	const files = args.files > 0 ? await fuzzFiles({ seed: args.seed, count: args.files, log }) : undefined;
	if (files) log(`files done: ${files.files} files, ${files.violations.length} violation(s)`);
	await new Promise((resolve) => setImmediate(resolve)); // the time bound gets its turn between the two
	const webhooks = args.webhooks > 0 ? await fuzzWebhooks({ seed: args.seed, count: args.webhooks, log }) : undefined;
	if (webhooks) log(`webhooks done: ${webhooks.deliveries} deliveries, ${webhooks.violations.length} violation(s)`);
	clearTimeout(timer);

	const violations = (files?.violations.length ?? 0) + (webhooks?.violations.length ?? 0);
	print({ fuzz: 'issue15', seed: args.seed, ok: violations === 0, violations, seconds: Number(((Date.now() - started) / 1000).toFixed(1)), files, webhooks });
	return violations === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		print({ fuzz: 'issue15', ok: false, error: `crashed: ${(error as Error)?.stack ?? String(error)}` });
		process.exit(1);
	},
);
