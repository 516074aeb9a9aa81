/**
 * APPROXIMATE per-message prices (USD) for delivered templates by recipient country and category
 * (cloud-api.md §6: per-message pricing since 2025-07-01; utility templates inside an open window
 * are free; marketing/authentication always charged). Figures are rounded from Meta's public rate
 * card and change often — estimates only, never billing. Unknown countries use "OTHER".
 */
export const PRICE_TABLE_NOTE = 'approximate, rounded from Meta’s public per-message rate card; estimates only';

export type PriceCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export const APPROX_PRICES_USD: Readonly<Record<string, Record<PriceCategory, number>>> = {
	US: { MARKETING: 0.025, UTILITY: 0.004, AUTHENTICATION: 0.0135 },
	BR: { MARKETING: 0.0625, UTILITY: 0.008, AUTHENTICATION: 0.0315 },
	DE: { MARKETING: 0.1365, UTILITY: 0.055, AUTHENTICATION: 0.0768 },
	GB: { MARKETING: 0.0529, UTILITY: 0.022, AUTHENTICATION: 0.0358 },
	FR: { MARKETING: 0.1432, UTILITY: 0.03, AUTHENTICATION: 0.0691 },
	IT: { MARKETING: 0.0691, UTILITY: 0.03, AUTHENTICATION: 0.0378 },
	ES: { MARKETING: 0.0615, UTILITY: 0.02, AUTHENTICATION: 0.0336 },
	IN: { MARKETING: 0.0107, UTILITY: 0.0014, AUTHENTICATION: 0.0014 },
	ID: { MARKETING: 0.0411, UTILITY: 0.025, AUTHENTICATION: 0.03 },
	MX: { MARKETING: 0.0305, UTILITY: 0.0085, AUTHENTICATION: 0.0239 },
	NG: { MARKETING: 0.0516, UTILITY: 0.0067, AUTHENTICATION: 0.0299 },
	ZA: { MARKETING: 0.0379, UTILITY: 0.0076, AUTHENTICATION: 0.0168 },
	OTHER: { MARKETING: 0.0604, UTILITY: 0.0077, AUTHENTICATION: 0.0304 },
};

export function approxPrice(country: string | undefined, category: string | undefined): number {
	const cat = (String(category ?? 'MARKETING').toUpperCase() as PriceCategory) in APPROX_PRICES_USD.OTHER ? (String(category).toUpperCase() as PriceCategory) : 'MARKETING';
	const row = APPROX_PRICES_USD[String(country ?? '').toUpperCase()] ?? APPROX_PRICES_USD.OTHER;
	return row[cat];
}
