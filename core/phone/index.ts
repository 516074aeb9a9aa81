export { normalizePhone, toWaId, describeCountry } from './normalize';
export type { PhoneOk, PhoneFailure, PhoneFailureCode, PhoneResult, PhoneOptions, PhoneType } from './normalize';
export { brazilVariants, samePerson, brazilCanonical } from './brazil';
export { countryOptions, searchCountries } from './countries';
export type { CountryOption } from './countries';
