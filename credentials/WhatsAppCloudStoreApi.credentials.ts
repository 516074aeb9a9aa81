/**
 * WhatsApp Cloud Store — where campaign state, dedup keys and conversation windows are kept.
 * Field names are read in one place: nodes/shared/store.ts (storeOptionsFromCredentials).
 * Without this credential the nodes use an SQLite file in the n8n user folder.
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import { postgresField, textField } from './shared';

export class WhatsAppCloudStoreApi implements ICredentialType {
	name = 'whatsAppCloudStoreApi';

	displayName = 'WhatsApp Cloud Store API';

	icon = 'file:whatsAppCloudStore.svg' as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-whatsapp-cloud#state-store';

	properties: INodeProperties[] = [
		{
			displayName: 'Backend',
			name: 'backend',
			type: 'options',
			options: [
				{
					name: 'SQLite (Embedded File)',
					value: 'sqlite',
					description: 'A single file on the n8n host; fine for one n8n instance',
				},
				{
					name: 'PostgreSQL',
					value: 'postgres',
					description: 'A shared database; required for queue mode or several n8n instances',
				},
			],
			default: 'sqlite',
		},
		textField('File Path', 'path', {
			placeholder: 'e.g. /data/whatsapp-cloud.sqlite',
			description: 'The SQLite file. Empty: whatsapp-cloud.sqlite in the n8n user folder (~/.n8n).',
			displayOptions: { show: { backend: ['sqlite'] } },
		}),
		postgresField('Host', 'host', { default: 'localhost' }),
		postgresField('Port', 'port', { type: 'number', default: 5432 }),
		postgresField('Database', 'database', { default: 'n8n' }),
		postgresField('User', 'user', { default: 'postgres' }),
		postgresField('Password', 'password', { typeOptions: { password: true } }),
		postgresField('SSL', 'ssl', { type: 'boolean', default: false, description: 'Whether to connect over TLS' }),
		postgresField('Schema', 'schema', { default: 'public', description: 'The PostgreSQL schema that holds the store tables' }),
	];
}
