/** The 24 h customer-service window and the 72 h free entry point (cloud-api.md §6). */
export * from './window';
