/** Validation of POST /{waba}/message_templates bodies against Meta's rules (cloud-api.md §1). */
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
	comps.forEach((c, i) => {
		const where = `components[${i}]`;
		if (!isObj(c) || typeof c.type !== 'string' || !(R.componentTypes as readonly string[]).includes(c.type.toUpperCase())) {
			problems.push(`${where}.type must be one of ${R.componentTypes.join(', ')}`);
			return;
		}
		const type = c.type.toUpperCase();
		if (seen.has(type)) problems.push(`${where}: only one ${type} component is allowed`);
		seen.add(type);
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
		}
	});
	if (!seen.has('BODY')) problems.push('components must include a BODY');
	return problems;
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
	buttons.forEach((b, j) => {
		const bw = `${where}.buttons[${j}]`;
		if (!isObj(b) || typeof b.type !== 'string' || !(R.buttonTypes as readonly string[]).includes(b.type.toUpperCase())) {
			problems.push(`${bw}.type must be one of ${R.buttonTypes.join(', ')}`);
			return;
		}
		const t = b.type.toUpperCase();
		if (t !== 'OTP') {
			if (typeof b.text !== 'string' || !b.text) problems.push(`${bw}: text is required`);
			else if (b.text.length > R.buttonTextMaxLength) problems.push(`${bw}: text must be at most ${R.buttonTextMaxLength} characters`);
		}
		if (t === 'QUICK_REPLY') {
			if (qrGroupEnded) problems.push(`${bw}: quick-reply buttons must be grouped together`);
			inQr = true;
		} else if (inQr) {
			qrGroupEnded = true;
			inQr = false;
		}
		if (t === 'URL') {
			urls++;
			if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url)) problems.push(`${bw}: url must be an http(s) URL`);
			else {
				const vars = extractVariables(b.url);
				if (vars.length > 1 || (vars.length === 1 && (vars[0].name !== '1' || vars[0].end !== b.url.length)))
					problems.push(`${bw}: a URL button may only have one {{1}} variable, at the end of the url`);
				if (vars.length && (!Array.isArray(b.example) || typeof b.example[0] !== 'string'))
					problems.push(`${bw}: example is required for a URL with a variable`);
			}
		}
		if (t === 'PHONE_NUMBER') {
			phones++;
			if (typeof b.phone_number !== 'string' || !/^\+?[0-9]{6,20}$/.test(b.phone_number)) problems.push(`${bw}: phone_number is required`);
		}
		if (t === 'OTP') {
			otps++;
			if (!['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'].includes(String(b.otp_type))) problems.push(`${bw}: otp_type must be COPY_CODE, ONE_TAP or ZERO_TAP`);
		}
	});
	if (urls > R.urlButtonsMax) problems.push(`${where} (BUTTONS): at most ${R.urlButtonsMax} URL buttons are allowed`);
	if (phones > R.phoneButtonsMax) problems.push(`${where} (BUTTONS): at most ${R.phoneButtonsMax} PHONE_NUMBER button is allowed`);
	if (isAuth && otps !== 1) problems.push(`${where} (BUTTONS): an AUTHENTICATION template needs exactly one OTP button`);
	if (!isAuth && otps > 0) problems.push(`${where} (BUTTONS): OTP buttons are only allowed in AUTHENTICATION templates`);
}
