/** Reading node parameters the same way in every node: a typed read with a fallback, and a JSON field parsed with an error naming it. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { InputError } from './errors';

/** Item i's parameter `name` (the fallback when the field is hidden or unset). */
export function param<T>(fn: IExecuteFunctions, name: string, i: number, fallback: T): T {
	return fn.getNodeParameter(name, i, fallback) as T;
}

/** A JSON field of item i: a string is parsed (bad JSON names the field by its label), anything else is taken as is. */
export function jsonParam<T>(fn: IExecuteFunctions, name: string, i: number, label: string): T {
	const raw = fn.getNodeParameter(name, i) as unknown;
	if (typeof raw !== 'string') return raw as T;
	try {
		return JSON.parse(raw) as T;
	} catch (error) {
		throw new InputError(`${label} is not valid JSON: ${(error as Error).message}`, name);
	}
}
