/**
 * Pieces of the three credential types' forms. Field names are a contract: nodes/shared/credentials.ts
 * and nodes/shared/store.ts read them.
 */
import type { INodeProperties } from 'n8n-workflow';

type Extra = Omit<Partial<INodeProperties>, 'displayName' | 'name'>;

/** A plain text field. */
export function textField(displayName: string, name: string, extra: Extra = {}): INodeProperties {
	return { displayName, name, type: 'string', default: '', ...extra };
}

/** A secret (token, app secret, password): masked in the form; never put in an output, error or log. */
export function secretField(displayName: string, name: string, extra: Extra = {}): INodeProperties {
	return textField(displayName, name, { typeOptions: { password: true }, ...extra });
}

/** A field of the PostgreSQL store backend: shown only when Backend is PostgreSQL. */
export function postgresField(displayName: string, name: string, extra: Extra): INodeProperties {
	return textField(displayName, name, { ...extra, displayOptions: { show: { backend: ['postgres'] } } });
}
