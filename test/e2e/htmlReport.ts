/**
 * The Campaign Report's HTML page (issue 17; core/campaign/htmlReport.ts) opened in Debian's headless
 * Chromium: it renders with no request leaving the page, the funnel / errors / per-number tables show
 * the report's numbers, the hourly chart is an SVG with one bar per hour, and a full-page screenshot
 * is written.
 *
 * Two ways to run it:
 *  - as a function: `checkHtmlReport({ html, report, screenshot })` (test/e2e/run.ts, after example 1,
 *    with the report built by dist/core/campaign/progressReport from the run's store file — the code
 *    the Campaign Report operation runs);
 *  - as a script: `node test/e2e/htmlReport.ts --html <file.html> --out <file.png>` (the README
 *    screenshot: docs/screenshots/campaign-html-report.png).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium } from './browser.ts';

/** What the page must show (a ProgressReport's numbers). */
export interface ExpectedReport {
	campaignId: string;
	funnel: { sent: number; delivered: number; read: number; replied: number; failed: number };
	failures: { code: string; title: string; count: number }[];
	perNumber: { phoneNumberId: string }[];
	sendsPerHour: { sends: number }[];
}

export interface HtmlReportCheck {
	problems: string[];
	screenshot: string;
	/** Requests the page tried to make (must be none: the report is self-contained). */
	requests: string[];
	bars: number;
	funnel: Record<string, number>;
}

export async function checkHtmlReport(options: { html: string; report?: ExpectedReport; screenshot: string; chromiumPath?: string }): Promise<HtmlReportCheck> {
	const browser = await launchChromium(options.chromiumPath);
	const problems: string[] = [];
	const requests: string[] = [];
	try {
		const page = await browser.newPage({ viewport: { width: 820, height: 900 }, deviceScaleFactor: 1 });
		page.on('request', (r) => {
			if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
		});
		await page.setContent(options.html, { waitUntil: 'load' });
		const seen = await page.evaluate(() => {
			const doc = (globalThis as unknown as { document: any }).document;
			const text = (el: any) => String(el?.textContent ?? '').trim();
			const funnel: Record<string, number> = {};
			for (const row of doc.querySelectorAll('table.funnel tr')) funnel[text(row.querySelector('th'))] = Number(text(row.querySelector('td.num')).replace(/,/g, ''));
			const tables = [...doc.querySelectorAll('table.grid')];
			const rowsOf = (t: any) => [...(t?.querySelectorAll('tbody tr') ?? [])].map((r: any) => [...r.querySelectorAll('td')].map(text));
			const svg = doc.querySelector('svg');
			const box = svg?.getBoundingClientRect();
			return {
				title: text(doc.querySelector('h1')),
				funnel,
				errors: rowsOf(tables.find((t: any) => /Meta/.test(text(t.querySelector('thead'))))),
				numbers: rowsOf(tables.find((t: any) => /Number ID/.test(text(t.querySelector('thead'))))),
				bars: svg ? svg.querySelectorAll('rect').length : 0,
				svgSize: box ? [box.width, box.height] : [0, 0],
			};
		});
		const r = options.report;
		if (r) {
			if (!seen.title.includes(r.campaignId)) problems.push(`title "${seen.title}" does not name campaign ${r.campaignId}`);
			const want: Record<string, number> = { Sent: r.funnel.sent, Delivered: r.funnel.delivered, Read: r.funnel.read, Replied: r.funnel.replied, Failed: r.funnel.failed };
			for (const [k, v] of Object.entries(want)) if (seen.funnel[k] !== v) problems.push(`funnel ${k}: page shows ${seen.funnel[k]}, report has ${v}`);
			for (const f of r.failures) {
				const row = seen.errors.find((e: string[]) => e[0] === f.code);
				if (!row || Number(row[2].replace(/,/g, '')) !== f.count || (f.title && row[1] !== f.title)) problems.push(`error ${f.code} (${f.title}) ×${f.count} not shown as such: ${JSON.stringify(row)}`);
			}
			if (seen.numbers.length !== r.perNumber.length || !r.perNumber.every((n, i) => seen.numbers[i]?.[0] === n.phoneNumberId))
				problems.push(`per-number table: ${JSON.stringify(seen.numbers.map((x: string[]) => x[0]))}, report ${JSON.stringify(r.perNumber.map((n) => n.phoneNumberId))}`);
			if (seen.bars !== r.sendsPerHour.length) problems.push(`chart has ${seen.bars} bars, report ${r.sendsPerHour.length} hours`);
		}
		if (!(seen.svgSize[0] > 100 && seen.svgSize[1] > 20)) problems.push(`chart drawn at ${seen.svgSize.join('×')} px`);
		if (requests.length) problems.push(`the page made ${requests.length} request(s): ${requests.slice(0, 3).join(', ')}`);
		fs.mkdirSync(path.dirname(options.screenshot), { recursive: true });
		await page.screenshot({ path: options.screenshot, fullPage: true });
		return { problems, screenshot: options.screenshot, requests, bars: seen.bars, funnel: seen.funnel };
	} finally {
		await browser.close();
	}
}

// Script mode: node test/e2e/htmlReport.ts --html <file> --out <png>
if (/htmlReport\.ts$/.test(process.argv[1] ?? '')) {
	const arg = (name: string) => {
		const i = process.argv.indexOf(name);
		return i > 0 ? process.argv[i + 1] : undefined;
	};
	const htmlFile = arg('--html');
	const out = arg('--out');
	if (!htmlFile || !out) {
		console.error('usage: node test/e2e/htmlReport.ts --html <report.html> --out <screenshot.png>');
		process.exit(2);
	}
	checkHtmlReport({ html: fs.readFileSync(htmlFile, 'utf8'), screenshot: out })
		.then((r) => {
			console.log(`${r.screenshot}: ${r.bars} bars, funnel ${JSON.stringify(r.funnel)}${r.problems.length ? `; problems: ${r.problems.join('; ')}` : ''}`);
			process.exit(r.problems.length ? 1 : 0);
		})
		.catch((error: unknown) => {
			console.error((error as Error).message);
			process.exit(1);
		});
}
