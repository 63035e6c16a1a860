# Production image: compiled once, run as an unprivileged user, started with node directly so that
# SIGTERM reaches the gateway (npm does not always pass signals on).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src src
COPY migrations migrations
COPY bench bench
COPY test test
RUN npx tsc -p tsconfig.json

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8443
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
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
# Production requires DATABASE_URL, TLS_CERT, TLS_KEY, TRUST_CA, SIGNING_CERT and SIGNING_KEY (see README).
CMD ["node", "dist/src/main.js"]
