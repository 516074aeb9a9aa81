/**
 * Meta's limits for session (non-template) messages — cloud-api.md §2 "Send API"
 * ([V: OAS] schemas `Message`, `InteractiveObject`, `MediaObject_1`; [S] for text length).
 */
export const MESSAGE_LIMITS = {
	/** Text bodies ≤ 4096 chars [S]. */
	TEXT_BODY: 4096,
	/** caption on image / video / document ≤ 1024 [V: OAS MediaObject_1]. */
	MEDIA_CAPTION: 1024,
	/** Interactive header text ≤ 60, body ≤ 1024, footer ≤ 60 [V: OAS]. */
	INTERACTIVE_HEADER: 60,
	INTERACTIVE_BODY: 1024,
	INTERACTIVE_FOOTER: 60,
	/** Reply buttons: 1–3, id ≤ 256, title ≤ 20. */
	REPLY_BUTTONS_MIN: 1,
	REPLY_BUTTONS_MAX: 3,
	REPLY_BUTTON_ID: 256,
	REPLY_BUTTON_TITLE: 20,
	/** Lists: button ≤ 20, sections 1–10 (title ≤ 24), rows total ≤ 10 (id ≤ 200, title ≤ 24, description ≤ 72). */
	LIST_BUTTON: 20,
	LIST_SECTIONS_MAX: 10,
	LIST_SECTION_TITLE: 24,
	LIST_ROWS_TOTAL_MAX: 10,
	LIST_ROW_ID: 200,
	LIST_ROW_TITLE: 24,
	LIST_ROW_DESCRIPTION: 72,
	/** contacts: 1–5 ContactObjects [V: OAS]. */
	CONTACTS_MAX: 5,
} as const;

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
/** Only these take a caption (OAS MediaObject_1). */
export const CAPTION_MEDIA_TYPES: readonly MediaType[] = ['image', 'video', 'document'];
