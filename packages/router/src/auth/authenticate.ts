import { refuse, type Refusal, type User } from '@dccrouter/domain';
import { certificateIdentity, namesCertificate, type XmlSignature } from '../duis-xml/signature.ts';
import { decodeSignatureHeader, type SignatureVerifier } from './verifier.ts';

/**
 * Row 5 for JSON and protobuf: a valid ECDSA P-256 signature (DER) of the exact body bytes by the
 * originator's key, given in the header the transport names `named` (X-DCC-Signature over HTTP).
 * Undefined when it is; the refusal saying what is wrong otherwise.
 */
export async function checkBodySignature(verifier: SignatureVerifier, user: User, body: Uint8Array, header: string | undefined, named: string): Promise<Refusal | undefined> {
  const signature = decodeSignatureHeader(header);
  if (!signature) return refuse('signature_invalid', `${named} ${header ? 'is not base64' : 'is missing'}`);
  if (await verifier.verify(user.publicKeyPem, body, signature)) return undefined;
  // The length of a raw r‖s pair and not DER (which opens with a SEQUENCE, 0x30): likely WebCrypto's
  // output. Said as a likelihood: checking it as one would cost a second verification per forgery.
  if (signature.byteLength === 64 && signature[0] !== 0x30) {
    return refuse('signature_invalid', `${named} is not a valid signature of the body by the originator's key; it is 64 bytes and not DER, as a raw r‖s pair (IEEE P1363, as WebCrypto signs) would be: the router takes the ECDSA signature DER-encoded (an ASN.1 SEQUENCE of r and s)`);
  }
  return refuse('signature_invalid', `${named} is not a valid signature of the body by the originator's key`);
}

/**
 * Row 5 for DUIS XML: an enveloped ds:Signature naming the certificate registered for the User
 * (certificatePem), valid now, over a document that still matches its digest, whose ECDSA value checks out
 * against that certificate's key. `signature` is a string when the document's ds:Signature is
 * not in the accepted form (it says why), undefined when there is none.
 */
export async function checkXmlSignature(verifier: SignatureVerifier, user: User, signature: XmlSignature | string | undefined, now = Date.now()): Promise<Refusal | undefined> {
  if (signature === undefined) return refuse('signature_invalid', 'the request carries no ds:Signature');
  if (typeof signature === 'string') return refuse('signature_invalid', `ds:Signature is not in the accepted form: ${signature}`);
  const identity = user.certificatePem ? certificateIdentity(user.certificatePem) : undefined;
  if (!identity) return refuse('signature_invalid', `User ${user.userId} has no usable certificate registered (certificatePem) to check XML signatures against`);
  if (!namesCertificate(signature, identity)) {
    return refuse('signature_invalid', `ds:X509IssuerSerial (${signature.issuerName}, ${signature.serialNumber}) does not name the certificate registered for User ${user.userId}`);
  }
  // A certificate signs only within its validity, as its relying parties check it.
  if (now > identity.validTo) return refuse('signature_invalid', `the certificate registered for User ${user.userId} expired at ${new Date(identity.validTo).toISOString()}`);
  if (now < identity.validFrom) return refuse('signature_invalid', `the certificate registered for User ${user.userId} is not valid until ${new Date(identity.validFrom).toISOString()}`);
  if (!signature.digestMatches()) return refuse('signature_invalid', 'the document does not match its ds:DigestValue: it was changed after signing');
  if (await verifier.verify(identity.publicKeyPem, signature.signedInfo, signature.signatureDer)) return undefined;
  return refuse('signature_invalid', "ds:SignatureValue is not a valid signature of ds:SignedInfo by the registered certificate's key");
}
