/**
 * The listener's TLS profile (SPEC.md §3, BSI TR-02102-2 and Mozilla "intermediate"): TLS 1.3, and TLS 1.2 only
 * with ECDHE key exchange and AEAD ciphers. No static-RSA key exchange (no forward secrecy), no CBC (padding
 * oracles), no SHA-1 MACs; finite-field DHE is left out as well, its parameters being the client's gamble.
 * TLS 1.3's own suites are all AEAD and keep OpenSSL's defaults.
 */
export const tlsProfile = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  // The server's order: a client offering a weaker suite first still gets the strongest both know.
  honorCipherOrder: true,
} as const
