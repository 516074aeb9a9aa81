/** Template definitions shared by the template tests (shapes from cloud-api.md §1 "Create body"). */
import type { StoredTemplate, TemplateDefinition } from '../../core/templates';

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

export function authTemplate(): TemplateDefinition {
	return {
		name: 'login_code',
		language: 'en_US',
		category: 'AUTHENTICATION',
		components: [
			{ type: 'BODY', add_security_recommendation: true },
			{ type: 'FOOTER', code_expiration_minutes: 10 },
			{ type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
		],
	};
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

/** A definition as GET returns it (with id and status). */
export function stored(def: TemplateDefinition, id = '1001', status = 'APPROVED'): StoredTemplate {
	return { ...def, id, status };
}

export function clone<T>(v: T): T {
	return JSON.parse(JSON.stringify(v)) as T;
}
