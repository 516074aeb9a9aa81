/** The part of GraphClient that callers need (tests and the simulator may pass a stand-in). */
import type { GraphRequest } from './client';

export interface GraphLike {
	request<T = unknown>(req: GraphRequest): Promise<T>;
}
