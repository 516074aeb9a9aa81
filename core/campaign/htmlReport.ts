/**
 * The Campaign Report as one self-contained HTML page (issue 17): something a workflow can e-mail
 * or post to Slack. Pure: a ProgressReport (progressReport.ts) in, a string out — no scripts, no
 * external fonts, images or styles (mail clients and Slack previews block them), the chart is
 * inline SVG. Every value from the ledger is HTML-escaped.
 *
 * Sections: headline (state, template, ETA, next due time), the funnel sent → delivered → read →
 * replied (bars relative to sent), failures by error code with Meta's titles, sends per hour over
 * the last 24 h (SVG bar chart), and the per-number table.
 */
import type { ProgressReport } from './progressReport';

const esc = (v: unknown): string =>
	String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const num = (n: number): string => n.toLocaleString('en-US');
const pct = (part: number, whole: number): string => (whole > 0 ? `${Math.round((part / whole) * 1000) / 10}%` : '—');
/** "2026-12-05T17:00:00.000Z" → "2026-12-05 17:00 UTC". */
const when = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—');

function funnelSection(r: ProgressReport): string {
	const f = r.funnel;
	const stages: Array<[string, number, string]> = [
		['Sent', f.sent, '#2563eb'],
		['Delivered', f.delivered, '#0891b2'],
		['Read', f.read, '#16a34a'],
		['Replied', f.replied, '#ca8a04'],
	];
	const rows = stages
		.map(([label, n, color]) => {
			const width = f.sent > 0 ? Math.max(0.5, (n / f.sent) * 100) : 0;
			return `<tr><th scope="row">${label}</th><td class="num">${num(n)}</td><td class="num">${label === 'Sent' ? '' : pct(n, f.sent)}</td><td class="bar"><div style="width:${width.toFixed(1)}%;background:${color}"></div></td></tr>`;
		})
		.join('');
	return `<section><h2>Funnel</h2><table class="funnel" aria-label="Funnel">${rows}<tr><th scope="row">Failed</th><td class="num">${num(f.failed)}</td><td class="num">${pct(f.failed, f.sent + f.failed)}</td><td></td></tr></table></section>`;
}

function failuresSection(r: ProgressReport): string {
	if (!r.failures.length) return `<section><h2>Errors by code</h2><p class="muted">No errors recorded.</p></section>`;
	const rows = r.failures.map((f) => `<tr><td class="code">${esc(f.code)}</td><td>${esc(f.title || 'Not a documented Meta code')}</td><td class="num">${num(f.count)}</td></tr>`).join('');
	return `<section><h2>Errors by code</h2><table class="grid"><thead><tr><th>Code</th><th>Meta's title</th><th class="num">Recipients</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The last 24 hours as an SVG bar chart (one bar per clock hour, UTC labels every 3 hours). */
export function hourlyChartSvg(series: ProgressReport['sendsPerHour']): string {
	const W = 720;
	const H = 200;
	const left = 48;
	const bottom = 28;
	const top = 12;
	const plotW = W - left - 8;
	const plotH = H - top - bottom;
	const max = Math.max(1, ...series.map((s) => s.sends));
	const step = plotW / Math.max(1, series.length);
	const bars = series
		.map((s, i) => {
			const h = (s.sends / max) * plotH;
			const x = left + i * step + 2;
			const y = top + plotH - h;
			return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(step - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="#2563eb"><title>${esc(when(s.hour))}: ${num(s.sends)} sends</title></rect>`;
		})
		.join('');
	const labels = series
		.map((s, i) => (i % 3 === 0 || i === series.length - 1 ? `<text x="${(left + i * step + step / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(s.hour.slice(11, 13))}h</text>` : ''))
		.join('');
	const ticks = [0, 0.5, 1]
		.map((t) => {
			const y = top + plotH - t * plotH;
			return `<line x1="${left}" x2="${W - 8}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e7eb"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${num(Math.round(t * max))}</text>`;
		})
		.join('');
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Sends per hour, last 24 hours" font-family="sans-serif" font-size="11" fill="#374151">${ticks}${bars}${labels}</svg>`;
}

function numbersSection(r: ProgressReport): string {
	const rows = r.perNumber
		.map(
			(n) =>
				`<tr><td class="code">${esc(n.phoneNumberId)}</td><td class="num">${num(n.total)}</td><td class="num">${num(n.sent)}</td><td class="num">${num(n.delivered)}</td><td class="num">${num(n.read)}</td><td class="num">${num(n.replied)}</td><td class="num">${num(n.failed)}</td><td class="num">${num(n.remaining)}</td><td class="num">${num(n.sendsLast24h)}</td></tr>`,
		)
		.join('');
	return `<section><h2>Per business number</h2><table class="grid"><thead><tr><th>Number ID</th><th class="num">Recipients</th><th class="num">Sent</th><th class="num">Delivered</th><th class="num">Read</th><th class="num">Replied</th><th class="num">Failed</th><th class="num">Left</th><th class="num">Sends 24 h</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

const STYLE = `body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#111827;margin:0;background:#f9fafb}
main{max-width:760px;margin:0 auto;padding:24px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.muted{color:#6b7280}.state{display:inline-block;padding:2px 8px;border-radius:10px;background:#e0e7ff;font-size:12px;text-transform:uppercase}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}.kpi{flex:1 1 150px;border:1px solid #e5e7eb;border-radius:6px;padding:8px 10px}
.kpi b{display:block;font-size:18px}.kpi span{font-size:12px;color:#6b7280}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 6px;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
.grid th{border-bottom:1px solid #d1d5db}.grid td{border-bottom:1px solid #f3f4f6}.code{font-family:ui-monospace,Menlo,monospace}
.funnel th{width:90px}.funnel .bar{width:60%}.funnel .bar div{height:14px;border-radius:3px}
footer{margin-top:24px;font-size:11px;color:#9ca3af}`;

/** The report as one HTML page (UTF-8). */
export function renderCampaignReportHtml(r: ProgressReport): string {
	const kpi = (label: string, value: string) => `<div class="kpi"><span>${esc(label)}</span><b>${esc(value)}</b></div>`;
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Campaign ${esc(r.campaignId)} — report</title><style>${STYLE}</style></head>
<body><main>
<h1>Campaign ${esc(r.campaignId)} <span class="state">${esc(r.state)}</span></h1>
<div class="muted">${r.template ? `Template ${esc(r.template)} · ` : ''}Number ${esc(r.phoneNumberId)} · generated ${esc(when(r.generatedAt))}${r.reason ? ` · ${esc(r.reason)}` : ''}</div>
<div class="kpis">${kpi('Recipients', num(r.total))}${kpi('Left to send', num(r.remaining))}${kpi('ETA', when(r.eta))}${kpi('Next due', when(r.nextDueAt))}</div>
<p class="muted" id="eta-basis">${esc(r.etaBasis)}</p>
${funnelSection(r)}
${failuresSection(r)}
<section><h2>Sends per hour (last 24 h, UTC)</h2>${hourlyChartSvg(r.sendsPerHour)}</section>
${numbersSection(r)}
<footer>n8n-nodes-whatsapp-cloud · WhatsApp Campaign → Campaign Report</footer>
</main></body></html>
`;
}
