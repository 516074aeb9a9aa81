/**
 * Credentials for harness runs: plain objects keyed by credential type name, handed to nodes as n8n's
 * "decrypted" data (with the credential type's defaults filled in, as n8n does), and applied to requests
 * made with `this.helpers.httpRequestWithAuthentication` exactly like n8n's CredentialsHelper does for a
 * generic `authenticate` block (expressions resolved against `$credentials`).
 */
import { ICredentials, ICredentialsHelper, isExpression } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

/** `{ whatsAppCloudApi: { accessToken: '…', … } }`: credential data by credential type name. */
export type CredentialsMap = Record<string, ICredentialDataDecryptedObject>;

class PlainCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private plain: ICredentialDataDecryptedObject,
	) {
		super(details, type);
	}
	async getData(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.plain };
	}
	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}
	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.plain = { ...data };
	}
	async updateData(toUpdate: Partial<ICredentialDataDecryptedObject>, toDelete: string[] = []): Promise<void> {
		this.plain = { ...this.plain, ...(toUpdate as ICredentialDataDecryptedObject) };
		for (const key of toDelete) delete this.plain[key];
	}
}

/** Fills in each property's `default` where the data has none (n8n does this when it decrypts). */
export function withDefaults(type: ICredentialType | undefined, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const result: ICredentialDataDecryptedObject = { ...data };
	for (const property of type?.properties ?? []) {
		if (result[property.name] === undefined && property.default !== undefined) {
			result[property.name] = property.default as ICredentialDataDecryptedObject[string];
		}
	}
	return result;
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	/** Every credential type looked up by nodes during the run, in order (for assertions). */
	readonly requested: string[] = [];

	constructor(
		readonly credentials: CredentialsMap,
		credentialTypes: ICredentialType[],
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	credentialType(name: string): ICredentialType | undefined {
		return this.types.get(name);
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions & Record<string, unknown>;
		const authenticate = this.types.get(typeName)?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate.type !== 'generic') return requestOptions;
		if (!workflow || !node) throw new Error('Harness: declarative authentication needs the workflow and node');
		const resolve = (value: unknown): unknown => {
			if (!isExpression(value)) return value;
			const resolved = workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials }, undefined, '');
			return resolved ? String(resolved) : '';
		};
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			const target = (requestOptions[outerKey] ??= {}) as Record<string, unknown>;
			for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
				target[String(resolve(key))] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string) {
		const pre = this.types.get(typeName)?.preAuthentication;
		return typeof pre === 'function' ? ((await pre.call(helpers, credentials)) as ICredentialDataDecryptedObject) : undefined;
	}

	private dataFor(details: INodeCredentialsDetails | undefined, type: string): ICredentialDataDecryptedObject {
		const data = (details?.id && this.credentials[details.id]) || this.credentials[type];
		if (!data) throw new Error(`Harness: no credentials of type "${type}" were given to the run`);
		return withDefaults(this.types.get(type), data);
	}

	async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return new PlainCredentials(details, type, this.dataFor(details, type));
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		details: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
	): Promise<ICredentialDataDecryptedObject> {
		this.requested.push(type);
		return this.dataFor(details, type);
	}

	async updateCredentials(details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.credentials[details.id ?? type] = { ...data };
	}

	async updateCredentialsOauthTokenData(details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		await this.updateCredentials(details, type, data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}
}
