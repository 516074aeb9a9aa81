/**
 * Validation of POST /{waba}/message_templates bodies against Meta's rules (cloud-api.md §1; the
 * carousel, limited-time offer, catalog / MPM and Flow guides cited in core/templates/rules.ts,
 * whose figures template-rules.ts reuses). Independent checking logic from core/templates/validate.ts.
 */
import { TEMPLATE_RULES as R, extractVariables } from './template-rules';

export interface TemplateComponentDef {
	type: string;
	format?: string;
	text?: string;
	example?: Record<string, unknown>;
	buttons?: Record<string, unknown>[];
	add_security_recommendation?: boolean;
	code_expiration_minutes?: number;
	[k: string]: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with a text's variables; `where` names the field in messages. */
function checkVariables(
	text: string,
	where: string,
	format: 'POSITIONAL' | 'NAMED',
	problems: string[],
	opts: { edgesAllowed: boolean },
): string[] {
	const vars = extractVariables(text);
	const names = vars.map((v) => v.name);
	if (format === 'POSITIONAL') {
		const bad = names.filter((n) => !/^[1-9][0-9]*$/.test(n));
		if (bad.length) problems.push(`${where}: variable {{${bad[0]}}} is not positional ({{1}}, {{2}}, …) but parameter_format is POSITIONAL`);
		else {
			const uniq = [...new Set(names.map(Number))].sort((a, b) => a - b);
			uniq.forEach((n, i) => {
				if (n !== i + 1 && !problems.some((p) => p.startsWith(`${where}: variables must be sequential`)))
					problems.push(`${where}: variables must be sequential starting at {{1}} (found {{${n}}})`);
			});
		}
	} else {
		const bad = names.filter((n) => !R.namedParamPattern.test(n));
		if (bad.length) problems.push(`${where}: named variable {{${bad[0]}}} must use lowercase letters, digits and underscores`);
	}
	if (!opts.edgesAllowed && vars.length) {
		if (text.slice(0, vars[0].start).trim() === '') problems.push(`${where}: text must not start with a variable`);
		if (text.slice(vars[vars.length - 1].end).trim() === '') problems.push(`${where}: text must not end with a variable`);
	}
	for (let i = 1; i < vars.length; i++) {
		if (text.slice(vars[i - 1].end, vars[i].start).trim() === '') {
			problems.push(`${where}: variables {{${vars[i - 1].name}}} and {{${vars[i].name}}} must not be adjacent`);
			break;
		}
	}
	return [...new Set(names)];
}

function checkExamples(
	vars: string[],
	example: Record<string, unknown> | undefined,
	format: 'POSITIONAL' | 'NAMED',
	kind: 'body' | 'header',
	where: string,
	problems: string[],
): void {
	if (!vars.length) return;
	if (format === 'POSITIONAL') {
		const key = kind === 'body' ? 'body_text' : 'header_text';
		const ex = example?.[key];
		const values = kind === 'body' ? (Array.isArray(ex) && Array.isArray(ex[0]) ? ex[0] : undefined) : ex;
		if (!Array.isArray(values) || values.length !== vars.length)
			problems.push(`${where}: example.${key} must give one example per variable (${vars.length} variable(s))`);
	} else {
		const key = kind === 'body' ? 'body_text_named_params' : 'header_text_named_params';
		const ex = example?.[key];
		const given = new Set(Array.isArray(ex) ? ex.filter(isObj).map((e) => e.param_name) : []);
		const missing = vars.filter((v) => !given.has(v));
		if (missing.length) problems.push(`${where}: example.${key} is missing an example for {{${missing[0]}}}`);
	}
}

/** Returns every rule the body breaks (empty = valid). `forEdit` skips name/language checks. */
export function validateTemplateBody(body: unknown, forEdit = false): string[] {
	const problems: string[] = [];
	if (!isObj(body)) return ['request body must be a JSON object'];
	if (!forEdit) {
		const name = body.name;
		if (typeof name !== 'string' || !name) problems.push('name is required');
		else {
			if (name.length > R.nameMaxLength) problems.push(`name must be at most ${R.nameMaxLength} characters`);
			if (!R.namePattern.test(name)) problems.push('name may only contain lowercase letters, digits and underscores');
		}
		if (typeof body.language !== 'string' || !R.languagePattern.test(body.language))
			problems.push('language is required and must be a language code such as en_US');
	}
	const category = body.category;
	if (!forEdit || category !== undefined) {
		if (typeof category !== 'string' || !(R.categories as readonly string[]).includes(category))
			problems.push(`category must be one of ${R.categories.join(', ')}`);
	}
	const pf = body.parameter_format ?? 'POSITIONAL';
	if (!(R.parameterFormats as readonly unknown[]).includes(pf)) problems.push('parameter_format must be POSITIONAL or NAMED');
	const format = pf === 'NAMED' ? 'NAMED' : 'POSITIONAL';
	const comps = body.components;
	if (forEdit && comps === undefined) return problems;
	if (!Array.isArray(comps) || comps.length === 0) {
		problems.push('components must be a non-empty array');
		return problems;
	}
	const isAuth = category === 'AUTHENTICATION';
	const seen = new Set<string>();
	const byType = new Map<string, Record<string, unknown>>();
	comps.forEach((c, i) => {
		const where = `components[${i}]`;
		if (!isObj(c) || typeof c.type !== 'string' || !(R.componentTypes as readonly string[]).includes(c.type.toUpperCase())) {
			problems.push(`${where}.type must be one of ${R.componentTypes.join(', ')}`);
			return;
		}
		const type = c.type.toUpperCase();
		if (seen.has(type)) problems.push(`${where}: only one ${type} component is allowed`);
		seen.add(type);
		byType.set(type, c);
		const example = isObj(c.example) ? c.example : undefined;
		if (type === 'HEADER') {
			const f = typeof c.format === 'string' ? c.format.toUpperCase() : '';
			if (!(R.headerFormats as readonly string[]).includes(f)) problems.push(`${where}.format must be one of ${R.headerFormats.join(', ')}`);
			else if (f === 'TEXT') {
				if (typeof c.text !== 'string' || !c.text) problems.push(`${where} (HEADER): text is required for a TEXT header`);
				else {
					if (c.text.length > R.headerTextMaxLength) problems.push(`${where} (HEADER): text must be at most ${R.headerTextMaxLength} characters`);
					const vars = checkVariables(c.text, `${where} (HEADER)`, format, problems, { edgesAllowed: true });
					if (vars.length > R.headerMaxVariables) problems.push(`${where} (HEADER): at most ${R.headerMaxVariables} variable is allowed`);
					checkExamples(vars, example, format, 'header', `${where} (HEADER)`, problems);
				}
			} else if (f !== 'LOCATION') {
				const h = example?.header_handle;
				if (!Array.isArray(h) || h.length === 0 || typeof h[0] !== 'string')
					problems.push(`${where} (HEADER): a ${f} header needs example.header_handle from the Resumable Upload API`);
			}
		} else if (type === 'BODY') {
			if (isAuth) {
				if (c.add_security_recommendation !== undefined && typeof c.add_security_recommendation !== 'boolean')
					problems.push(`${where} (BODY): add_security_recommendation must be a boolean`);
				return;
			}
			if (typeof c.text !== 'string' || !c.text) problems.push(`${where} (BODY): text is required`);
			else {
				if (c.text.length > R.bodyMaxLength) problems.push(`${where} (BODY): text must be at most ${R.bodyMaxLength} characters`);
				const vars = checkVariables(c.text, `${where} (BODY)`, format, problems, { edgesAllowed: false });
				checkExamples(vars, example, format, 'body', `${where} (BODY)`, problems);
			}
		} else if (type === 'FOOTER') {
			if (isAuth) {
				const m = c.code_expiration_minutes;
				if (m !== undefined && (typeof m !== 'number' || m < R.otpCodeExpirationMinutes.min || m > R.otpCodeExpirationMinutes.max))
					problems.push(`${where} (FOOTER): code_expiration_minutes must be between 1 and 90`);
				return;
			}
			if (typeof c.text !== 'string' || !c.text) problems.push(`${where} (FOOTER): text is required`);
			else {
				if (c.text.length > R.footerMaxLength) problems.push(`${where} (FOOTER): text must be at most ${R.footerMaxLength} characters`);
				if (extractVariables(c.text).length) problems.push(`${where} (FOOTER): the footer cannot contain variables`);
			}
		} else if (type === 'BUTTONS') {
			checkButtons(c.buttons, where, isAuth, problems);
		} else if (type === 'CAROUSEL') {
			checkCarousel(c.cards, where, format, problems);
		} else if (type === 'LIMITED_TIME_OFFER') {
			const o = isObj(c.limited_time_offer) ? c.limited_time_offer : {};
			if (typeof o.text !== 'string' || !o.text || o.text.length > R.offer.TEXT_MAX_LENGTH)
				problems.push(`${where} (LIMITED_TIME_OFFER): limited_time_offer.text is required, at most ${R.offer.TEXT_MAX_LENGTH} characters`);
			if (o.has_expiration !== undefined && typeof o.has_expiration !== 'boolean') problems.push(`${where} (LIMITED_TIME_OFFER): has_expiration must be a boolean`);
		}
	});
	if (!seen.has('BODY')) problems.push('components must include a BODY');
	const marketing = category === undefined || category === 'MARKETING';
	if (seen.has('CAROUSEL')) {
		if (!marketing) problems.push('a carousel template must be in the MARKETING category');
		for (const t of ['HEADER', 'FOOTER', 'BUTTONS']) if (seen.has(t)) problems.push(`a carousel template cannot have its own ${t} (cards carry headers and buttons)`);
	}
	if (seen.has('LIMITED_TIME_OFFER')) {
		if (!marketing) problems.push('a limited-time offer template must be in the MARKETING category');
		if (seen.has('FOOTER')) problems.push('a limited-time offer template cannot have a FOOTER');
		const h = byType.get('HEADER');
		if (h && !(R.offerHeaderFormats as readonly string[]).includes(String(h.format).toUpperCase())) problems.push('a limited-time offer header must be IMAGE or VIDEO');
		const text = byType.get('BODY')?.text;
		if (typeof text === 'string' && text.length > R.offer.BODY_MAX_LENGTH) problems.push(`a limited-time offer body must be at most ${R.offer.BODY_MAX_LENGTH} characters`);
	}
	const buttonTypes = ((byType.get('BUTTONS')?.buttons as unknown[]) ?? []).map((b) => (isObj(b) ? String(b.type).toUpperCase() : ''));
	if (buttonTypes.includes('MPM') && String(byType.get('HEADER')?.format ?? '').toUpperCase() !== 'TEXT') problems.push('a multi-product (MPM) template needs a TEXT header');
	return problems;
}

function checkCarousel(cards: unknown, where: string, format: 'POSITIONAL' | 'NAMED', problems: string[]): void {
	const C = R.carousel;
	if (!Array.isArray(cards) || cards.length < C.CARDS_MIN || cards.length > C.CARDS_MAX) {
		problems.push(`${where} (CAROUSEL): cards must list ${C.CARDS_MIN} to ${C.CARDS_MAX} cards`);
		if (!Array.isArray(cards)) return;
	}
	const shapes: string[] = [];
	cards.forEach((card, k) => {
		const cw = `${where}.cards[${k}]`;
		const comps = isObj(card) && Array.isArray(card.components) ? card.components : [];
		const of = new Map<string, Record<string, any>>();
		for (const cc of comps) {
			const t = isObj(cc) ? String(cc.type).toUpperCase() : '';
			if (!(R.carouselCardComponents as readonly string[]).includes(t) || of.has(t)) problems.push(`${cw}: card components are one HEADER, BODY and BUTTONS (found ${t || 'an invalid component'})`);
			else of.set(t, cc as Record<string, any>);
		}
		const h = of.get('HEADER');
		const f = String(h?.format ?? '').toUpperCase();
		if (!(R.carouselHeaderFormats as readonly string[]).includes(f)) problems.push(`${cw}: every card needs an IMAGE, VIDEO or PRODUCT header`);
		else if ((R.carouselMediaHeaderFormats as readonly string[]).includes(f) && !(Array.isArray(h?.example?.header_handle) && typeof h.example.header_handle[0] === 'string'))
			problems.push(`${cw}: a ${f} card header needs example.header_handle`);
		const b = of.get('BODY');
		if (b) {
			if (typeof b.text !== 'string' || !b.text) problems.push(`${cw} (BODY): text is required`);
			else {
				if (b.text.length > C.CARD_BODY_MAX_LENGTH) problems.push(`${cw} (BODY): text must be at most ${C.CARD_BODY_MAX_LENGTH} characters`);
				const vars = checkVariables(b.text, `${cw} (BODY)`, format, problems, { edgesAllowed: true });
				checkExamples(vars, isObj(b.example) ? b.example : undefined, format, 'body', `${cw} (BODY)`, problems);
			}
		}
		const buttons: unknown[] = Array.isArray(of.get('BUTTONS')?.buttons) ? of.get('BUTTONS')!.buttons : [];
		const types = buttons.map((x) => (isObj(x) ? String(x.type).toUpperCase() : ''));
		if (f === 'PRODUCT') {
			if (types.length !== C.PRODUCT_CARD_BUTTONS || !(R.productCardButtonTypes as readonly string[]).includes(types[0])) problems.push(`${cw}: a product card has one SPM or URL button`);
		} else if (types.length < C.MEDIA_CARD_BUTTONS_MIN || types.length > C.MEDIA_CARD_BUTTONS_MAX || !types.every((t) => (R.mediaCardButtonTypes as readonly string[]).includes(t)))
			problems.push(`${cw}: a media card has 1 or 2 QUICK_REPLY, URL or PHONE_NUMBER buttons`);
		buttons.forEach((x, j) => checkButton(x, `${cw}.buttons[${j}]`, problems));
		shapes.push(`${f}|${b ? 'BODY' : ''}|${types.join(',')}`);
	});
	if (shapes.some((sh) => sh !== shapes[0])) problems.push(`${where} (CAROUSEL): all cards must have the same header format, body and button types`);
}

/** One button's own rules (shared by BUTTONS components and carousel cards). */
function checkButton(b: unknown, bw: string, problems: string[]): string {
	if (!isObj(b) || typeof b.type !== 'string' || !(R.buttonTypes as readonly string[]).includes(b.type.toUpperCase())) {
		problems.push(`${bw}.type must be one of ${R.buttonTypes.join(', ')}`);
		return '';
	}
	const t = b.type.toUpperCase();
	if ((R.buttonTypesNeedingText as readonly string[]).includes(t) && (typeof b.text !== 'string' || !b.text)) problems.push(`${bw}: text is required`);
	else if (typeof b.text === 'string' && b.text.length > R.buttonTextMaxLength) problems.push(`${bw}: text must be at most ${R.buttonTextMaxLength} characters`);
	if (t === 'URL') {
		if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) problems.push(`${bw}: url must be an http(s) URL`);
		else {
			const vars = extractVariables(b.url);
			if (vars.length > 1 || (vars.length === 1 && (vars[0].name !== '1' || vars[0].end !== b.url.length)))
				problems.push(`${bw}: a URL button may only have one {{1}} variable, at the end of the url`);
			if (vars.length && (!Array.isArray(b.example) || typeof b.example[0] !== 'string')) problems.push(`${bw}: example is required for a URL with a variable`);
		}
	}
	if (t === 'PHONE_NUMBER') {
		const phone = typeof b.phone_number === 'string' ? b.phone_number : '';
		const digits = phone.replace(/[\s().-]/g, '').replace(/^\+/, '');
		if (!/^[1-9][0-9]*$/.test(digits) || digits.length < R.phoneDigits.min || digits.length > R.phoneDigits.max || phone.length > R.phoneMaxLength)
			problems.push(`${bw}: phone_number must be an international number with country code (${R.phoneDigits.min}-${R.phoneDigits.max} digits)`);
	}
	if (t === 'COPY_CODE') {
		const ex = Array.isArray(b.example) ? b.example[0] : b.example;
		if (typeof ex !== 'string' || !ex || ex.length > R.copyCodeExampleMaxLength) problems.push(`${bw}: example (the offer code) is required, at most ${R.copyCodeExampleMaxLength} characters`);
	}
	if (t === 'FLOW') {
		const targets = R.flowTargets.filter((k) => typeof b[k] === 'string' && b[k] !== '');
		if (targets.length !== 1) problems.push(`${bw}: a FLOW button needs exactly one of flow_id, flow_name or flow_json`);
		if (b.flow_action !== undefined && !(R.flowActions as readonly unknown[]).includes(b.flow_action)) problems.push(`${bw}: flow_action must be navigate or data_exchange`);
		if (b.flow_json !== undefined) {
			let ok = false;
			try {
				ok = typeof b.flow_json === 'string' && isObj(JSON.parse(b.flow_json));
			} catch {
				ok = false;
			}
			if (!ok) problems.push(`${bw}: flow_json must be a JSON object encoded as a string`);
		}
	}
	if (t === 'OTP') {
		if (!(R.otpTypes as readonly unknown[]).includes(b.otp_type)) problems.push(`${bw}: otp_type must be COPY_CODE, ONE_TAP or ZERO_TAP`);
		if (b.otp_type === 'ZERO_TAP' && b.zero_tap_terms_accepted !== true) problems.push(`${bw}: zero_tap_terms_accepted must be true for a ZERO_TAP button`);
	}
	return t;
}

function checkButtons(buttons: unknown, where: string, isAuth: boolean, problems: string[]): void {
	if (!Array.isArray(buttons) || buttons.length === 0) {
		problems.push(`${where} (BUTTONS): buttons must be a non-empty array`);
		return;
	}
	if (buttons.length > R.buttonsMax) problems.push(`${where} (BUTTONS): at most ${R.buttonsMax} buttons are allowed`);
	let urls = 0;
	let phones = 0;
	let otps = 0;
	let qrGroupEnded = false;
	let inQr = false;
	const types: string[] = [];
	buttons.forEach((b, j) => {
		const t = checkButton(b, `${where}.buttons[${j}]`, problems);
		types.push(t);
		if (t === 'QUICK_REPLY') {
			if (qrGroupEnded) problems.push(`${where}.buttons[${j}]: quick-reply buttons must be grouped together`);
			inQr = true;
		} else if (inQr) {
			qrGroupEnded = true;
			inQr = false;
		}
		if (t === 'URL') urls++;
		if (t === 'PHONE_NUMBER') phones++;
		if (t === 'OTP') otps++;
	});
	if ((types.includes('CATALOG') || types.includes('MPM')) && buttons.length > 1) problems.push(`${where} (BUTTONS): a CATALOG or MPM button must be the only button`);
	if (urls > R.urlButtonsMax) problems.push(`${where} (BUTTONS): at most ${R.urlButtonsMax} URL buttons are allowed`);
	if (phones > R.phoneButtonsMax) problems.push(`${where} (BUTTONS): at most ${R.phoneButtonsMax} PHONE_NUMBER button is allowed`);
	if (isAuth && otps !== 1) problems.push(`${where} (BUTTONS): an AUTHENTICATION template needs exactly one OTP button`);
	if (!isAuth && otps > 0) problems.push(`${where} (BUTTONS): OTP buttons are only allowed in AUTHENTICATION templates`);
}
