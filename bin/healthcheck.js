#!/usr/bin/env node
// The container's health check (Dockerfile HEALTHCHECK): exit 0 when this host's gateway answers GET /healthz.
await import(new URL('../dist/src/healthcheck.js', import.meta.url).href)
