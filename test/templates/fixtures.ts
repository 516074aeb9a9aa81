/** Template definitions shared by the template tests (shapes from cloud-api.md §1 "Create body"). */
import type { StoredTemplate, TemplateDefinition } from '../../core/templates';
import { preloadedTemplate } from '../../simulator';

export function positionalTemplate(): TemplateDefinition {
	return {
		name: 'order_update',
		language: 'en_US',
		category: 'UTILITY',
		components: [
			{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#123'] } },
			{ type: 'BODY', text: 'Hi {{1}}, order {{2}} ships today.', example: { body_text: [['Mark', '860198']] } },
			{ type: 'FOOTER', text: 'Reply STOP to opt out' },
			{
				type: 'BUTTONS',
				buttons: [
					{ type: 'QUICK_REPLY', text: 'Yes' },
					{ type: 'QUICK_REPLY', text: 'No' },
					{ type: 'PHONE_NUMBER', text: 'Call', phone_number: '16467043595' },
					{ type: 'URL', text: 'Track', url: 'https://ex.com/t?id={{1}}', example: ['https://ex.com/t?id=42'] },
				],
			},
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
			{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARb'] } },
			{ type: 'BODY', text: 'New arrivals for {{1}} are here.', example: { body_text: [['Ana']] } },
		],
	};
}

const HANDLE = '4::aW1hZ2UvanBlZw==:ARb';

/** Media-card carousel (Meta's media card carousel guide): body + 3 image cards, QR + URL per card. */
export function carouselTemplate(cards = 3): TemplateDefinition {
	return {
		name: 'summer_carousel',
		language: 'en_US',
		category: 'MARKETING',
		components: [
			{ type: 'BODY', text: 'Hi {{1}}, our summer picks are here.', example: { body_text: [['Ana']] } },
			{
				type: 'CAROUSEL',
				cards: Array.from({ length: cards }, (_, k) => ({
					components: [
						{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [HANDLE] } },
						{ type: 'BODY', text: `Item ${k + 1} now {{1}} off.`, example: { body_text: [['15%']] } },
						{
							type: 'BUTTONS',
							buttons: [
								{ type: 'QUICK_REPLY', text: 'Tell me more' },
								{ type: 'URL', text: 'Buy', url: 'https://shop.example/p/{{1}}', example: ['https://shop.example/p/sku-1'] },
							],
						},
					],
				})),
			},
		],
	};
}

/** Product-card carousel (Meta's product card carousel guide): PRODUCT headers, one SPM button each. */
export function productCarouselTemplate(): TemplateDefinition {
	return {
		name: 'product_carousel',
		language: 'en_US',
		category: 'MARKETING',
		components: [
			{ type: 'BODY', text: 'Picked for you, {{1}}.', example: { body_text: [['Ana']] } },
			{
				type: 'CAROUSEL',
				cards: [0, 1].map(() => ({ components: [{ type: 'HEADER', format: 'PRODUCT' }, { type: 'BUTTONS', buttons: [{ type: 'SPM', text: 'View' }] }] })),
			},
		],
	};
}

/** Limited-time offer (Meta's limited-time offer guide): image header, offer, body, copy code + URL. */
export function offerTemplate(): TemplateDefinition {
	return {
		name: 'flash_sale',
		language: 'en_US',
		category: 'MARKETING',
		components: [
			{ type: 'HEADER', format: 'IMAGE', example: { header_handle: [HANDLE] } },
			{ type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Expiring offer!', has_expiration: true } },
			{ type: 'BODY', text: 'Good news, {{1}}! Use code {{2}} for 25% off.', example: { body_text: [['Pablo', 'CARIBE25']] } },
			{
				type: 'BUTTONS',
				buttons: [
					{ type: 'COPY_CODE', example: 'CARIBE25' },
					{ type: 'URL', text: 'Book now', url: 'https://travel.example/offer?code={{1}}', example: ['https://travel.example/offer?code=n3mtql'] },
				],
			},
		],
	};
}

/** Catalog template: body + the CATALOG button (its only button). */
export function catalogTemplate(): TemplateDefinition {
	return {
		name: 'intro_catalog_offer',
		language: 'en_US',
		category: 'MARKETING',
		components: [
			{ type: 'BODY', text: 'Now shop for your favourite products right here on WhatsApp! Get Rs {{1}} off on all orders.', example: { body_text: [['100']] } },
			{ type: 'BUTTONS', buttons: [{ type: 'CATALOG', text: 'View catalog' }] },
		],
	};
}

/** Multi-product template: the OAS "Create multi-product message template" example. */
export function mpmTemplate(): TemplateDefinition {
	return {
		name: 'abandoned_cart',
		language: 'en_US',
		category: 'MARKETING',
		components: [
			{ type: 'HEADER', format: 'TEXT', text: 'Forget something {{1}}?', example: { header_text: ['Pablo'] } },
			{ type: 'BODY', text: 'Looks like you left some items in your cart! Use code {{1}} and you can get 10% off of all of them!', example: { body_text: [['10OFF']] } },
			{ type: 'BUTTONS', buttons: [{ type: 'MPM', text: 'View items' }] },
		],
	};
}

/** Flow button (OAS "Create Flow Template Message by ID"). */
export function flowTemplate(): TemplateDefinition {
	return {
		name: 'survey_flow',
		language: 'en_US',
		category: 'MARKETING',
		components: [
			{ type: 'BODY', text: 'Check out this new offer' },
			{ type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Check out this offer!', flow_id: '1234567890', flow_action: 'navigate', navigate_screen: 'WELCOME_SCREEN' }] },
		],
	};
}

/** A definition as GET returns it (with id and status). */
export function stored(def: TemplateDefinition, id = '1001', status = 'APPROVED'): StoredTemplate {
	return { ...def, id, status };
}

export function clone<T>(v: T): T {
	return JSON.parse(JSON.stringify(v)) as T;
}
