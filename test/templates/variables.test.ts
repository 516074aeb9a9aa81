import { checkVariables, detectParameterFormat, extractVariables, substituteVariables, variableNames } from '../../core/templates';

const rules = (text: string, opts = {}) => checkVariables(text, opts).map((i) => i.rule);

describe('extractVariables', () => {
	it('finds positional, named and invalid variables with offsets', () => {
		const vars = extractVariables('Hi {{1}}, {{first_name}} and {{Bad Name}}');
		expect(vars.map((v) => [v.name, v.kind])).toEqual([
			['1', 'positional'],
			['first_name', 'named'],
			['Bad Name', 'invalid'],
		]);
		expect(vars[0].start).toBe(3);
		expect(vars[0].end).toBe(8);
		expect(extractVariables(undefined)).toEqual([]);
	});

	it('treats {{0}} and {{01}} as invalid positional numbers', () => {
		expect(extractVariables('a {{0}} b {{01}} c').map((v) => v.kind)).toEqual(['invalid', 'invalid']);
	});

	it('orders positional names numerically and named ones by appearance', () => {
		expect(variableNames('x {{2}} y {{1}} z {{2}}')).toEqual(['1', '2']);
		expect(variableNames('x {{b}} y {{a}} z {{b}}')).toEqual(['b', 'a']);
	});

	it('detects the parameter format', () => {
		expect(detectParameterFormat('a {{1}} b')).toBe('POSITIONAL');
		expect(detectParameterFormat('a {{name}} b')).toBe('NAMED');
		expect(detectParameterFormat('a {{1}} {{name}} b')).toBeUndefined();
		expect(detectParameterFormat('no variables')).toBeUndefined();
	});
});

describe('checkVariables', () => {
	it('accepts a well-formed positional body', () => {
		expect(rules('Hi {{1}}, order {{2}} ships.', { isBody: true, examples: { 1: 'a', 2: 'b' } })).toEqual([]);
	});
	it('numbered from 1 without gaps', () => {
		expect(rules('a {{1}} b {{2}} c')).toEqual([]);
		expect(rules('a {{1}} b {{3}} c')).toEqual(['variables.sequence']);
		expect(rules('a {{2}} b')).toEqual(['variables.sequence']);
	});
	it('lowercase-underscore names', () => {
		expect(rules('a {{first_name}} b', { format: 'NAMED' })).toEqual([]);
		expect(rules('a {{firstName}} b', { format: 'NAMED' })).toEqual(['variables.invalid_name']);
		expect(rules('a {{_x}} b', { format: 'NAMED' })).toEqual(['variables.invalid_name']);
	});
	it('no mixing', () => {
		expect(rules('a {{1}} b {{name}} c')).toEqual(['variables.mixed']);
	});
	it('no adjacent variables', () => {
		expect(rules('a {{1}}{{2}} c')).toEqual(['variables.adjacent']);
		expect(rules('a {{1}}  \t{{2}} c')).toEqual(['variables.adjacent']);
		expect(rules('a {{1}} - {{2}} c')).toEqual([]);
	});
	it('body not starting or ending with a variable', () => {
		expect(rules('{{1}} is here.', { isBody: true })).toEqual(['body.starts_with_variable']);
		expect(rules('Here is {{1}}', { isBody: true })).toEqual(['body.ends_with_variable']);
		expect(rules('Here is {{1}}', { isBody: false })).toEqual([]);
		expect(rules('Here is {{1}}.', { isBody: true })).toEqual([]);
	});
	it('an example for every variable', () => {
		const issues = checkVariables('a {{1}} b {{2}} c', { examples: { 1: 'x' } });
		expect(issues.map((i) => i.rule)).toEqual(['variables.example_missing']);
		expect(issues[0].message).toContain('{{2}}');
	});
	it('format mismatch', () => {
		expect(rules('a {{1}} b', { format: 'NAMED' })).toEqual(['variables.format_mismatch']);
		expect(rules('a {{x}} b', { format: 'POSITIONAL' })).toEqual(['variables.format_mismatch']);
	});
});

describe('substituteVariables', () => {
	it('fills known variables and keeps unknown ones', () => {
		expect(substituteVariables('Hi {{1}}, {{2}}', { 1: 'Ana' })).toBe('Hi Ana, {{2}}');
	});
});
