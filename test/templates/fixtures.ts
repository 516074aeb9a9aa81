/** Template definitions shared by the template tests (shapes from cloud-api.md §1 "Create body"). */
import type { StoredTemplate, TemplateButton, TemplateComponent, TemplateDefinition } from '../../core/templates';

/*
 * Meta's create-body components, one call each (cloud-api.md §1 "Create body"), for the fixtures
 * below and for the create bodies the tests expect.
 */
/** TEXT header with its example values (`example.header_text`). */
export const textHeader = (text: string, ...examples: string[]): TemplateComponent => ({ type: 'HEADER', format: 'TEXT', text, example: { header_text: examples } });
/** IMAGE / VIDEO / DOCUMENT header with its sample's upload handle (`example.header_handle`). */
export const mediaHeader = (format: string, handle: string): TemplateComponent => ({ type: 'HEADER', format, example: { header_handle: [handle] } });
/** Body with positional example values (`example.body_text`: one row). */
export const body = (text: string, ...examples: string[]): TemplateComponent => ({ type: 'BODY', text, example: { body_text: [examples] } });
export const footer = (text: string): TemplateComponent => ({ type: 'FOOTER', text });
export const buttons = (...list: TemplateButton[]): TemplateComponent => ({ type: 'BUTTONS', buttons: list });
export const quickReply = (text: string): TemplateButton => ({ type: 'QUICK_REPLY', text });
/** URL button; `example` is the full URL for the example suffix. */
export const urlButton = (text: string, url: string, example: string): TemplateButton => ({ type: 'URL', text, url, example: [example] });
export const phoneButton = (text: string, phoneNumber: string): TemplateButton => ({ type: 'PHONE_NUMBER', text, phone_number: phoneNumber });
import { preloadedTemplate } from '../../simulator';

const HANDLE = '4::aW1hZ2UvanBlZw==:ARb';

/** An en_US MARKETING definition with these components (most of the template kinds below). */
const marketing = (name: string, ...components: TemplateComponent[]): TemplateDefinition => ({ name, language: 'en_US', category: 'MARKETING', components });

export function positionalTemplate(): TemplateDefinition {
	return {
		name: 'order_update',
		language: 'en_US',
		category: 'UTILITY',
		components: [
			textHeader('Order {{1}}', '#123'),
			body('Hi {{1}}, order {{2}} ships today.', 'Mark', '860198'),
			footer('Reply STOP to opt out'),
			buttons(quickReply('Yes'), quickReply('No'), phoneButton('Call', '16467043595'), urlButton('Track', 'https://ex.com/t?id={{1}}', 'https://ex.com/t?id=42')),
		],
	};
}

export function namedTemplate(): TemplateDefinition {
	return {
		name: 'welcome_named',
		language: 'de',
		category: 'MARKETING',
		parameter_format: 'NAMED',
		components: [
			{ type: 'HEADER', format: 'TEXT', text: 'Hallo {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Jessica' }] } },
			{
				type: 'BODY',
				text: 'Dear {{first_name}}, your code {{discount_code}} is valid until {{valid_until}}.',
				example: {
					body_text_named_params: [
						{ param_name: 'first_name', example: 'Jessica' },
						{ param_name: 'discount_code', example: 'SAVE20' },
						{ param_name: 'valid_until', example: 'May 1' },
					],
				},
			},
			{ type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE20' }, { type: 'URL', text: 'Shop', url: 'https://shop.example/{{1}}', example: ['https://shop.example/spring'] }] },
		],
	};
}

/** A copy-code authentication template (security recommendation, 10 min expiry): the simulator's `auth_code` as `login_code`. */
export function authTemplate(): TemplateDefinition {
	const { parameter_format: _format, ...auth } = preloadedTemplate('auth_code');
	return { ...auth, name: 'login_code' };
}

export function imageTemplate(): TemplateDefinition {
	return {
		name: 'promo_image',
		language: 'en',
		category: 'MARKETING',
		components: [
			mediaHeader('IMAGE', HANDLE),
			body('New arrivals for {{1}} are here.', 'Ana'),
		],
	};
}

/** Media-card carousel (Meta's media card carousel guide): body + 3 image cards, QR + URL per card. */
export function carouselTemplate(cards = 3): TemplateDefinition {
	return marketing(
		'summer_carousel',
		body('Hi {{1}}, our summer picks are here.', 'Ana'),
		{
			type: 'CAROUSEL',
			cards: Array.from({ length: cards }, (_, k) => ({
				components: [
					mediaHeader('IMAGE', HANDLE),
					body(`Item ${k + 1} now {{1}} off.`, '15%'),
					buttons(quickReply('Tell me more'), urlButton('Buy', 'https://shop.example/p/{{1}}', 'https://shop.example/p/sku-1')),
				],
			})),
		},
	);
}

/** Product-card carousel (Meta's product card carousel guide): PRODUCT headers, one SPM button each. */
export function productCarouselTemplate(): TemplateDefinition {
	return marketing(
		'product_carousel',
		body('Picked for you, {{1}}.', 'Ana'),
		{
			type: 'CAROUSEL',
			cards: [0, 1].map(() => ({ components: [{ type: 'HEADER', format: 'PRODUCT' }, { type: 'BUTTONS', buttons: [{ type: 'SPM', text: 'View' }] }] })),
		},
	);
}

/** Limited-time offer (Meta's limited-time offer guide): image header, offer, body, copy code + URL. */
export function offerTemplate(): TemplateDefinition {
	return marketing(
		'flash_sale',
		mediaHeader('IMAGE', HANDLE),
		{ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Expiring offer!', has_expiration: true } },
		body('Good news, {{1}}! Use code {{2}} for 25% off.', 'Pablo', 'CARIBE25'),
		buttons({ type: 'COPY_CODE', example: 'CARIBE25' }, urlButton('Book now', 'https://travel.example/offer?code={{1}}', 'https://travel.example/offer?code=n3mtql')),
	);
}

/** Catalog template: body + the CATALOG button (its only button). */
export function catalogTemplate(): TemplateDefinition {
	return marketing(
		'intro_catalog_offer',
		body('Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders.', '100'),
		buttons({ type: 'CATALOG', text: 'View catalog' }),
	);
}

/** Multi-product template: the OAS "Create multi-product message template" example. */
export function mpmTemplate(): TemplateDefinition {
	return marketing(
		'abandoned_cart',
		textHeader('Forget something {{1}}?', 'Pablo'),
		body('Looks like you left some items in your cart! Use code {{1}} and you can get 10% off of all of them!', '10OFF'),
		buttons({ type: 'MPM', text: 'View items' }),
	);
}

/** Flow button (OAS "Create Flow Template Message by ID"). */
export function flowTemplate(): TemplateDefinition {
	return marketing(
		'survey_flow',
		{ type: 'BODY', text: 'Check out this new offer' },
		{ type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Check out this offer!', flow_id: '1234567890', flow_action: 'navigate', navigate_screen: 'WELCOME_SCREEN' }] },
	);
}

/** A definition as GET returns it (with id and status). */
export function stored(def: TemplateDefinition, id = '1001', status = 'APPROVED'): StoredTemplate {
	return { ...def, id, status };
}

export function clone<T>(v: T): T {
	return JSON.parse(JSON.stringify(v)) as T;
}
