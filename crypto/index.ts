export * from './canonical-json.js';
export * from './digest.js';
export * from './hash-chain.js';
// sealed bids (isomorphic: Node-only streaming lives in crypto/node/index.ts)
export * from './suite.js';
export type { CryptoProvider } from './provider.js';
export { webProvider } from './web/provider.js';
export { derToPem, certificateDerToPem } from './pem.js';
export { signAttached, signDetached, signDetachedDigest, verifySignedData, type CmsSigner, type SignOptions, type VerifyOptions, type VerifiedSignedData } from './signed-data.js';
export { sealBytes, openBytes, unlockContentKey, openWithContentKey, envelopeRecipients, type EnvelopeRecipient, type EnvelopeOptions } from './envelope.js';
export { sealBid, verifyOuter, openBid, unlockBid, type SealedBid, type SealBidOptions, type OuterSignature, type BidOpener, type OpenedBid } from './sealed-bid.js';
// opening key (k-of-n), platform timestamp authority, upload receipts
export { splitOpeningKey, combineShares, encodeShare, decodeShare, sealShareFor, openSealedShare, isSealedShare, rsaPublicKeyId, type OpeningKeyShare, type SplitOpeningKeyInput, type CombineSharesOptions } from './opening-key.js';
export { issueTimestampToken, verifyTimestampToken, timestampTokenFromResponse, type IssueTimestampInput, type VerifyTimestampOptions, type VerifiedTimestamp } from './timestamp.js';
export { makeReceipt, verifyReceipt, type ReceiptFields, type MakeReceiptOptions, type VerifyReceiptOptions, type VerifiedReceipt } from './receipt.js';
