export const usage = `Usage: ehrs <command> [options]

Clients and certificates
  ehrs clients add --name N --tax-number T --env test|production --cert FILE [--software VENDOR/PRODUCT/VERSION]
  ehrs clients cert-add ID --cert FILE
  ehrs clients cert-revoke FINGERPRINT
  ehrs clients list
  ehrs clients show ID
Mandates
  ehrs mandates add --employer TAXNO --client ID [--types M1,M2,...] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
  ehrs mandates revoke ID
  ehrs mandates list
Software
  ehrs software certify ID
Documents
  ehrs validate FILE... [--json]      offline validation; exit 0 valid, 1 invalid, 2 unusable input
Operations
  ehrs migrate                        apply database migrations
  ehrs certs dev [--force]            (re)create the development PKI in certs-dev/
  ehrs audit verify [--anchors DIR]   check the audit chain against the signed checkpoints in AUDIT_ANCHOR_DIR
                                      (or DIR) and every stored body against its SHA-256; exit 0 intact, 1 broken
  ehrs audit checkpoint               write a signed checkpoint of the audit chain to AUDIT_ANCHOR_DIR now

Add --json to any command for JSON output. The CLI uses DATABASE_URL, or the embedded database in
DATA_DIR; while the gateway runs on the embedded database it goes through the gateway's admin socket.
`
