export { contactKey, normalizePhone, toWaId, describeCountry } from './normalize';
export type { ContactKey, PhoneOk, PhoneFailure, PhoneFailureCode, PhoneResult, PhoneOptions, PhoneType } from './normalize';
export { BSUID, canonicalDigits, identityCandidates, isBsuid, samePerson, type VariantRewrite } from './variants';
export { countryOptions, searchCountries } from './countries';
export type { CountryOption } from './countries';
export { phoneTimeZone } from './timezone';
