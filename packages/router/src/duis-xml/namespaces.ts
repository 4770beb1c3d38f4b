/** The XML namespaces of DUIS V5.4 documents. */
export const SR_NS = 'http://www.dccinterface.co.uk/ServiceUserGateway';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const RA_NS = 'http://www.dccinterface.co.uk/ResponseAndAlert';
export const XS_NS = 'http://www.w3.org/2001/XMLSchema';
