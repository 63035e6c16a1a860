# Production image on the current Node LTS line: compiled once, run as an unprivileged user on PostgreSQL,
# started with node directly so that SIGTERM reaches the gateway.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src src
COPY migrations migrations
COPY bench bench
COPY test test
RUN npx tsc -p tsconfig.json
# Runtime dependencies only: no compiler, no test tools, and no embedded database (PGlite), since production runs
# on PostgreSQL (DATABASE_URL); the gateway says so if it is started without one.
RUN npm prune --omit=dev --no-audit --no-fund && rm -rf node_modules/@electric-sql

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8443
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist/src dist/src
COPY --from=build /app/dist/migrations dist/migrations
COPY xsd xsd
COPY codelists codelists
COPY wsdl wsdl
COPY openapi.yaml ./
COPY bin bin
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8443
# GET /healthz over HTTPS from inside the container, pinning TLS_CERT (no curl in the slim image).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.js"]
# Production requires DATABASE_URL, TLS_CERT, TLS_KEY, TRUST_CA, SIGNING_CERT and SIGNING_KEY (see README).
CMD ["node", "dist/src/main.js"]
