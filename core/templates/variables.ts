/**
 * Template variables: `{{1}}`, `{{2}}`… (POSITIONAL) or `{{first_name}}` (NAMED).
 *
 * Meta's rules (cloud-api.md §1 "Named parameters" and "Limits", see rules.ts for ids and sources):
 * positional variables count from 1 without gaps; named ones are lowercase `^[a-z][a-z0-9_]*$`; a
 * text does not mix the two; two variables are never adjacent (nothing or only whitespace between);
 * the body neither starts nor ends with a variable; every variable has an example.
 */
import { TEMPLATE_LIMITS, TemplateRuleId } from './rules';
import { ParameterFormat } from './types';

export type VariableKind = 'positional' | 'named' | 'invalid';

export interface TemplateVariable {
	/** As written, e.g. `{{1}}`. */
	raw: string;
	/** Inside the braces, e.g. `1` or `first_name`. */
	name: string;
	kind: VariableKind;
	/** Offsets of `raw` in the text. */
	start: number;
	end: number;
}

export interface VariableIssue {
	rule: TemplateRuleId;
	message: string;
}

const VARIABLE_RE = /\{\{([^{}]*)\}\}/g;

/** Every `{{…}}` in the text, in order, with its kind. */
export function extractVariables(text: string | undefined | null): TemplateVariable[] {
	if (!text) return [];
	const out: TemplateVariable[] = [];
	for (const m of text.matchAll(VARIABLE_RE)) {
		const name = m[1];
		let kind: VariableKind = 'invalid';
		if (TEMPLATE_LIMITS.POSITIONAL_VARIABLE_PATTERN.test(name)) kind = 'positional';
		else if (TEMPLATE_LIMITS.NAMED_VARIABLE_PATTERN.test(name)) kind = 'named';
		out.push({ raw: m[0], name, kind, start: m.index, end: m.index + m[0].length });
	}
	return out;
}

/**
 * Distinct variable names in the order a sender supplies them: positional ones sorted by number
 * (`{{2}} … {{1}}` → `['1','2']`), named ones in order of first appearance.
 */
export function variableNames(text: string | undefined | null): string[] {
	const vars = extractVariables(text).filter((v) => v.kind !== 'invalid');
	const seen = [...new Set(vars.map((v) => v.name))];
	if (vars.length && vars.every((v) => v.kind === 'positional')) return seen.sort((a, b) => Number(a) - Number(b));
	return seen;
}

/** POSITIONAL / NAMED as the text uses it (undefined when it has no variables or mixes them). */
export function detectParameterFormat(text: string | undefined | null): ParameterFormat | undefined {
	const kinds = new Set(extractVariables(text).map((v) => v.kind));
	if (kinds.size !== 1) return undefined;
	if (kinds.has('positional')) return 'POSITIONAL';
	if (kinds.has('named')) return 'NAMED';
	return undefined;
}

export interface CheckVariablesOptions {
	/** The template's parameter_format; variables of the other kind are reported. */
	format?: ParameterFormat | string;
	/** Apply the body-only rules (not starting / ending with a variable). */
	isBody?: boolean;
	/** Example values by variable name (`'1'`, `'first_name'`); when given, missing examples are reported. */
	examples?: Record<string, string | undefined>;
	/** Label for messages, e.g. "Body". */
	label?: string;
}

/** The rule violations of one text's variables (empty when fine). */
export function checkVariables(text: string | undefined | null, options: CheckVariablesOptions = {}): VariableIssue[] {
	const issues: VariableIssue[] = [];
	const label = options.label ?? 'Text';
	const vars = extractVariables(text);
	if (!text || vars.length === 0) return issues;

	for (const v of vars.filter((x) => x.kind === 'invalid')) {
		issues.push({
			rule: 'variables.invalid_name',
			message: `${label}: "${v.raw}" is not a valid variable; use {{1}}, {{2}}… or a lowercase name like {{first_name}}`,
		});
	}
	const valid = vars.filter((v) => v.kind !== 'invalid');
	const positional = valid.filter((v) => v.kind === 'positional');
	const named = valid.filter((v) => v.kind === 'named');

	if (positional.length && named.length) {
		issues.push({
			rule: 'variables.mixed',
			message: `${label} mixes positional (${positional[0].raw}) and named (${named[0].raw}) variables; use one kind`,
		});
	} else if (options.format === 'NAMED' && positional.length) {
		issues.push({
			rule: 'variables.format_mismatch',
			message: `${label} uses positional variable ${positional[0].raw} but the parameter format is NAMED`,
		});
	} else if (options.format === 'POSITIONAL' && named.length) {
		issues.push({
			rule: 'variables.format_mismatch',
			message: `${label} uses named variable ${named[0].raw} but the parameter format is POSITIONAL`,
		});
	}

	if (positional.length) {
		const numbers = [...new Set(positional.map((v) => Number(v.name)))].sort((a, b) => a - b);
		const expected = numbers.map((_, i) => i + 1);
		const gap = numbers.findIndex((n, i) => n !== expected[i]);
		if (gap !== -1) {
			issues.push({
				rule: 'variables.sequence',
				message: `${label}: positional variables must be numbered {{1}} to {{${numbers.length}}} without gaps; found ${numbers.map((n) => `{{${n}}}`).join(', ')} (missing {{${expected[gap]}}})`,
			});
		}
	}

	for (let i = 1; i < vars.length; i++) {
		const between = text.slice(vars[i - 1].end, vars[i].start);
		if (between.trim() === '') {
			issues.push({
				rule: 'variables.adjacent',
				message: `${label}: variables ${vars[i - 1].raw} and ${vars[i].raw} are adjacent; put text between them`,
			});
		}
	}

	if (options.isBody) {
		const trimmedStart = text.length - text.trimStart().length;
		const trimmedEnd = text.trimEnd().length;
		if (vars[0].start === trimmedStart) {
			issues.push({ rule: 'body.starts_with_variable', message: `${label} must not start with a variable (${vars[0].raw})` });
		}
		const last = vars[vars.length - 1];
		if (last.end === trimmedEnd) {
			issues.push({ rule: 'body.ends_with_variable', message: `${label} must not end with a variable (${last.raw})` });
		}
	}

	if (options.examples) {
		for (const name of new Set(valid.map((v) => v.name))) {
			const example = options.examples[name];
			if (example === undefined || example === null || String(example).trim() === '') {
				issues.push({ rule: 'variables.example_missing', message: `${label}: variable {{${name}}} has no example value` });
			}
		}
	}
	return issues;
}

/** Replaces each valid `{{name}}` by `values[name]`; unknown ones stay as written. */
export function substituteVariables(text: string, values: Record<string, string | undefined>): string {
	return text.replace(VARIABLE_RE, (raw, name: string) => {
		const v = values[name];
		return v === undefined || v === null ? raw : String(v);
	});
}
