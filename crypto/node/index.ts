/** Node-only crypto: the node:crypto provider and the streamed sealed-file/sealed-bid functions. */
export { nodeProvider } from './provider.js';
export { sealFile, sealPartsToFile, openFile, unlockFile, readEnvelopeFileHeader, decryptFileTo, fileSink, type PlaintextPart, type PlaintextSink, type Progress, type SealFileResult } from './sealed-file.js';
export { sealBidFile, openBidFile, verifyOuterFile, unlockBidFile, sha256OfFile, signaturePathFor, type BidFileOpener, type SealBidFileResult } from './sealed-bid-file.js';
