import { readFileSync } from 'node:fs';
import { XmlBufferInputProvider, XmlDocument, XmlValidateError, XsdValidator, xmlRegisterInputProvider, type XmlElement } from 'libxml2-wasm';
import { DS_NS, RA_NS, SR_NS, XS_NS } from '../namespaces.ts';

const SCHEMA_URL = new URL('./DUIS Schema V5.4.xsd', import.meta.url);
const XS = { xs: XS_NS };

/** Where libxml2 is told to find the schema and the two it imports (never the file system). */
const BASE = 'file:///duis-schema/';

const skipAnything = '<xs:sequence><xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>';
const stubSchema = (namespace: string, declarations: string) => new TextEncoder().encode(
  `<xs:schema xmlns:xs="${XS_NS}" targetNamespace="${namespace}" elementFormDefault="qualified">${declarations}</xs:schema>`,
);

/**
 * The imports the DUIS schema names, as stand-ins: ds:Signature is checked by the signature
 * reader (signature.ts), not here, and the ResponseAndAlert (MMC) types only shape responses,
 * which a request never holds.
 */
const IMPORTS = {
  'xmldsig.xsd': stubSchema(DS_NS, `<xs:element name="Signature"><xs:complexType>${skipAnything}<xs:anyAttribute processContents="skip"/></xs:complexType></xs:element>`),
  'mmc.xsd': stubSchema(RA_NS, ['HeaderType', 'ResponsePayload', 'DeviceAlertMessageType'].map((name) => `<xs:complexType name="${name}">${skipAnything}</xs:complexType>`).join('')),
};

/**
 * The header fields the catalogue judges (row 7, after the User and signature rows), as it does
 * for JSON: the schema's enumerations would make an unknown SRV row 3 in XML alone.
 */
const CATALOGUE_FIELDS = ['ServiceReference', 'ServiceReferenceVariant'];

let validator: XsdValidator | undefined;

/** The DUIS V5.4 schema, compiled once per thread (about 50 ms) on first use. */
export function duisSchema(): XsdValidator {
  if (validator) return validator;
  xmlRegisterInputProvider(new XmlBufferInputProvider(Object.fromEntries(Object.entries(IMPORTS).map(([name, bytes]) => [BASE + name, bytes]))));
  // Kept for the thread's life: the compiled schema may point into the document it was parsed from.
  const xsd = XmlDocument.fromBuffer(readFileSync(SCHEMA_URL), { url: `${BASE}duis.xsd` });
  // The published file names its imports by names with spaces, which libxml2 does not ask for.
  const imports = xsd.find('/xs:schema/xs:import', XS) as XmlElement[];
  for (const element of imports) {
    const namespace = element.attr('namespace')?.value;
    element.setAttr('schemaLocation', namespace === DS_NS ? 'xmldsig.xsd' : namespace === RA_NS ? 'mmc.xsd' : fail(`unexpected import ${namespace}`));
  }
  const header = "/xs:schema/xs:complexType[@name='Request']/xs:sequence/xs:element[@name='Header']/xs:complexType/xs:sequence/xs:element";
  for (const name of CATALOGUE_FIELDS) {
    const element = xsd.get(`${header}[@name='${name}']`, XS) as XmlElement | null;
    if (!element) fail(`sr:Request's header declares no ${name}`);
    element.setAttr('type', 'xs:token');
  }
  validator = XsdValidator.fromDoc(xsd);
  return validator;
}

function fail(message: string): never {
  throw new Error(`DUIS schema: ${message}`);
}

/** libxml2's message with prefixes for namespaces, and without the schema's long patterns and lists. */
function readable(message: string): string {
  return message.trim().replaceAll(`{${SR_NS}}`, 'sr:').replaceAll(`{${DS_NS}}`, 'ds:')
    .replace(/ by the pattern '.{60,}'/s, " by the schema's pattern")
    .replace(/Expected is one of \( ([^)]*) \)/, (whole, list: string) => {
      const names = list.split(', ');
      return names.length <= 8 ? whole : `Expected is one of ( ${names.slice(0, 5).join(', ')}, ... and ${names.length - 5} more )`;
    });
}

/**
 * Row 3's "shaped like the schema": undefined when the document (parsed by tree.ts, which refuses
 * any DOCTYPE) is a DUIS V5.4 sr:Request, else libxml2's reasons (line and what is wrong, up to three).
 */
export function schemaViolation(document: XmlDocument): string | undefined {
  try {
    duisSchema().validate(document);
    return undefined;
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error;
    const reasons = error.details.slice(0, 3).map((detail) => `line ${detail.line}: ${readable(detail.message)}`);
    const more = error.details.length - reasons.length;
    return `not shaped like the DUIS V5.4 schema: ${reasons.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
  }
}
