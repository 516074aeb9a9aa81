import { AMBIGUOUS_OPT_OUT_WORDS, DEFAULT_OPT_OUT_KEYWORDS, detectOptKeyword, normalizeKeyword, optIntentOfMessage, parseKeywordList } from '../../core/webhook/optOut';

describe('detectOptKeyword: whole-message, case/accent/punctuation-insensitive', () => {
	it.each([
		'STOP',
		'stop',
		' Stop! ',
		'STOP ALL',
		'stopall',
		'Unsubscribe.',
		'Opt-out',
		'opt out',
		'Stop promotions',
		'PARAR',
		'pare',
		'Pare!',
		'alto',
		'Baja',
		'dar de baja',
		'descadastrar',
		'ARRÊTER',
		'arreter',
		'Arrêt',
		'désabonner',
		'Stopp',
		'abmelden',
		'Disiscrivi',
		'afmelden',
		'berhenti',
		'стоп',
		'退订',
		'退訂',
		'取消订阅',
		'配信停止',
		'إيقاف',
		'रोकें',
		'🛑 STOP 🛑',
		'"stop"',
	])('%j is an opt-out', (text) => expect(detectOptKeyword(text)).toBe('opt_out'));

	// Issue 15: "Cancel" / "sair" in a support chat usually means "cancel my order" / "leave".
	it.each(['cancel', 'CANCEL', 'END', 'quit', 'cancelar', 'sair', 'Sair!', 'annulla', 'annuler', 'basta', 'fin', 'बंद करें'])(
		'%j is NOT an opt-out by default (ambiguous)',
		(text) => expect(detectOptKeyword(text)).toBeUndefined(),
	);

	it('the default list and the ambiguous list do not overlap', () => {
		const defaults = new Set(DEFAULT_OPT_OUT_KEYWORDS.map(normalizeKeyword));
		expect(AMBIGUOUS_OPT_OUT_WORDS.map(normalizeKeyword).filter((w) => defaults.has(w))).toEqual([]);
	});

	it('ambiguous words opt out once the user adds them (Extra Opt-Out Keywords), on top of the defaults', () => {
		const options = { extraOptOutKeywords: ['CANCEL', 'SAIR'] };
		expect(detectOptKeyword('Cancel', options)).toBe('opt_out');
		expect(detectOptKeyword('sair', options)).toBe('opt_out');
		expect(detectOptKeyword('STOP', options)).toBe('opt_out');
		expect(detectOptKeyword('quit', options)).toBeUndefined();
		// extra words extend a replaced list too
		expect(detectOptKeyword('end', { optOutKeywords: ['HALT'], extraOptOutKeywords: ['END'] })).toBe('opt_out');
		expect(detectOptKeyword('stop', { optOutKeywords: ['HALT'], extraOptOutKeywords: ['END'] })).toBeUndefined();
	});

	it.each(['START', 'start', 'Subscribe', 'UNSTOP', 'iniciar', 'Alta', 'start!'])('%j is an opt-in', (text) => expect(detectOptKeyword(text)).toBe('opt_in'));

	it.each([
		'please stop',
		"don't stop the updates",
		'stop by the shop tomorrow?',
		'Can I cancel my order?',
		'the end',
		'stopwatch',
		'start time is 10',
		'',
		'   ',
		'!!!',
	])('%j is neither', (text) => expect(detectOptKeyword(text)).toBeUndefined());

	it('ignores non-strings and long texts', () => {
		expect(detectOptKeyword(undefined)).toBeUndefined();
		expect(detectOptKeyword(null)).toBeUndefined();
		expect(detectOptKeyword('stop '.repeat(20))).toBeUndefined();
	});

	it('normalises accents without breaking Devanagari vowel signs', () => {
		expect(normalizeKeyword('ARRÊTER!')).toBe('arreter');
		expect(normalizeKeyword('रोकें')).toBe('रोकें'.normalize('NFC'));
		expect(normalizeKeyword('  Opt—Out ')).toBe('opt out');
	});

	it('uses configured lists instead of the defaults', () => {
		const options = { optOutKeywords: ['SAIR', 'Não quero'], optInKeywords: ['VOLTAR'] };
		expect(detectOptKeyword('sair', options)).toBe('opt_out');
		expect(detectOptKeyword('nao quero!', options)).toBe('opt_out');
		expect(detectOptKeyword('voltar', options)).toBe('opt_in');
		expect(detectOptKeyword('STOP', options)).toBeUndefined();
		expect(detectOptKeyword('START', options)).toBeUndefined();
		expect(parseKeywordList('SAIR, Não quero\nPARE')).toEqual(['SAIR', 'Não quero', 'PARE']);
		expect(parseKeywordList('  ')).toBeUndefined();
	});
});

describe('optIntentOfMessage', () => {
	it('matches a text message body', () => {
		expect(optIntentOfMessage({ type: 'text', text: 'STOP' })).toBe('opt_out');
		expect(optIntentOfMessage({ type: 'text', text: 'hello' })).toBeUndefined();
	});

	it('matches a template quick-reply button payload or text', () => {
		expect(optIntentOfMessage({ type: 'button', button: { payload: 'Unsubscribe', text: 'Unsubscribe' } })).toBe('opt_out');
		expect(optIntentOfMessage({ type: 'button', button: { payload: 'STOP_PROMOS_42', text: 'Stop promotions' } })).toBe('opt_out');
		expect(optIntentOfMessage({ type: 'button', button: { payload: 'resub', text: 'Subscribe' } })).toBe('opt_in');
	});

	it('does not treat an ambiguous button (Cancel on an appointment template) as an opt-out, even when the user added CANCEL', () => {
		const options = { extraOptOutKeywords: ['CANCEL'] };
		expect(optIntentOfMessage({ type: 'button', button: { payload: 'cancel-appointment', text: 'Cancel' } }, options)).toBeUndefined();
		// …while the same word typed as a message is one, because the user added it
		expect(optIntentOfMessage({ type: 'text', text: 'Cancel' }, options)).toBe('opt_out');
		expect(optIntentOfMessage({ type: 'text', text: 'Cancel' })).toBeUndefined();
		expect(optIntentOfMessage({ type: 'button', button: { payload: 'x', text: 'Pare' } })).toBe('opt_out');
	});

	it('can turn button matching off, and ignores other message types', () => {
		expect(optIntentOfMessage({ type: 'button', button: { payload: 'STOP', text: 'STOP' } }, { matchButtons: false })).toBeUndefined();
		expect(optIntentOfMessage({ type: 'interactive', text: 'Stop' })).toBeUndefined();
		expect(optIntentOfMessage({ type: 'image', text: 'STOP' })).toBeUndefined();
	});
});
