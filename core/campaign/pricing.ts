/**
 * APPROXIMATE per-message prices (USD) for delivered templates by recipient country and category
 * (cloud-api.md §6: per-message pricing since 2025-07-01; utility templates inside an open window
 * are free; marketing/authentication always charged). Figures are rounded from Meta's public rate
 * card and change often — estimates only, never billing. Unknown countries use "OTHER".
 */
import prices from './prices.json';

export const PRICE_TABLE_NOTE = 'approximate, rounded from Meta’s public per-message rate card; estimates only';

export type PriceCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** USD per delivered template, by country (ISO 3166 alpha-2) and category; the rate card lives in prices.json. */
export const APPROX_PRICES_USD: Readonly<Record<string, Record<PriceCategory, number>>> = prices;

export function approxPrice(country: string | undefined, category: string | undefined): number {
	const cat = (String(category ?? 'MARKETING').toUpperCase() as PriceCategory) in APPROX_PRICES_USD.OTHER ? (String(category).toUpperCase() as PriceCategory) : 'MARKETING';
	const row = APPROX_PRICES_USD[String(country ?? '').toUpperCase()] ?? APPROX_PRICES_USD.OTHER;
	return row[cat];
}
