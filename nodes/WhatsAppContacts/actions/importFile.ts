/** Import's input: the item's binary file as a core/contacts ContactFile (bytes, or a stream opened twice). */
import { NodeOperationError } from 'n8n-workflow';
import type { ByteSource } from '../../../core/csv';
import type { ContactFile } from '../../../core/contacts';
import type { Ctx } from './shared';

/**
 * The item's binary file: its bytes in memory (n8n's default mode), or a stream that can be opened
 * twice (filesystem / S3 mode: the item carries only an id) so the file is checked before anything
 * is written (core/contacts/importFile.ts).
 */
export async function binaryFile(fn: Ctx, i: number, property: string): Promise<ContactFile> {
	const binaries = fn.getInputData()[i]?.binary ?? {};
	const binary = binaries[property];
	if (!binary) {
		const present = Object.keys(binaries);
		throw new NodeOperationError(
			fn.getNode(),
			`Item ${i}: no binary property "${property}" (${present.length ? `the item has ${present.map((p) => `"${p}"`).join(', ')}` : 'the item has no binary data'})`,
			{ itemIndex: i, description: 'Set "Input Binary Field" to the name of the binary property holding the CSV / TXT / XLSX file.' },
		);
	}
	const fileName = binary.fileName ?? property;
	if (binary.id) {
		const id = binary.id;
		const open = async (): Promise<ByteSource> => {
			try {
				return (await fn.helpers.getBinaryStream(id, 1 << 20)) as AsyncIterable<Uint8Array>;
			} catch (error) {
				throw new NodeOperationError(fn.getNode(), `Item ${i}, file ${JSON.stringify(fileName)} (binary property "${property}"): the stored file cannot be read: ${(error as Error).message}`, {
					itemIndex: i,
				});
			}
		};
		return { fileName, mimeType: binary.mimeType, open };
	}
	return { fileName, mimeType: binary.mimeType, buffer: await fn.helpers.getBinaryDataBuffer(i, property) };
}
