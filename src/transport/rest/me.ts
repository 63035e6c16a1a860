import type { FastifyPluginAsync } from 'fastify'
import type { Services } from '../../services.js'
import { readCallerRecord } from '../../identity/index.js'
import { isSoftwareCertified } from '../../authorization/index.js'
import { qualification, type Revocation } from '../../pki/index.js'
import { localDate } from '../../lib/index.js'

/** GET /api/v1/me: who the gateway takes the caller for (SPEC.md §3). */
export function meRoutes(services: Services): FastifyPluginAsync {
  return async app => {
    app.get('/me', async request => callerProfile(services, request.caller!, request.revocation))
  }
}

/** What GET /api/v1/me and SOAP GetMe answer. */
export type CallerProfile = Awaited<ReturnType<typeof callerProfile>>

/** The caller as the gateway sees it: the same facts for REST and SOAP. */
export async function callerProfile(services: Services, caller: NonNullable<Parameters<typeof readCallerRecord>[1]>, revocation: Revocation | null) {
  const now = services.clock.now()
  const record = await readCallerRecord(services.db, caller, localDate(now))
  const cert = record.certificate
  let qualified: ReturnType<typeof qualification> = { qualified: false }
  try {
    qualified = qualification(cert.pem, services.trust.qualifiedCas)
  } catch {
    // A malformed qcStatements extension makes no claim the gateway can rely on.
  }
  const crl = revocation?.crl
  return {
    clientId: caller.clientId,
    company: { name: caller.name, taxNumber: caller.taxNumber },
    environment: caller.environment,
    role: caller.role,
    software: caller.software ? { ...caller.software, certified: await isSoftwareCertified(services.db, caller.software) } : null,
    certificate: {
      fingerprint: caller.fingerprint, subject: cert.subject, issuer: cert.issuer, serial: cert.serial,
      notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(),
      isExpiring: cert.notAfter.getTime() - now.getTime() <= services.config.CERT_EXPIRY_WARN,
      qualified: qualified.qualified,
      qualifiedBy: qualified.qualified ? qualified.by : null,
      revocation: {
        status: revocation?.state ?? 'unknown',
        ...(crl ? { crlThisUpdate: crl.thisUpdate.toISOString(), crlNextUpdate: crl.nextUpdate?.toISOString() ?? null, crlIsStale: crl.isStale } : {}),
      },
    },
    mandates: record.mandates,
  }
}
