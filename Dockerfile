# syntax=docker/dockerfile:1
# One image, three roles chosen by command:
#   node dist/scripts/migrate.js   apply committed migrations (+ seed when SEED=true), then exit
#   node dist/scripts/worker.js    Temporal worker
#   node dist/scripts/api.js       HTTP API (default)
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: full install (dev deps are needed by tsc) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# npm >= 11.16 reads package.json "allowScripts": denied install scripts (Prisma's engine download)
# are skipped; node 20 ships npm 10, which would run them all.
ARG NPM_VERSION=11.19.1
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
RUN npm install -g npm@${NPM_VERSION} && npm cache clean --force
COPY package.json package-lock.json ./
# The root postinstall runs `prisma generate`, so its inputs must be present before `npm ci`.
COPY prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
RUN --mount=type=cache,target=/root/.npm npm ci

# ---- build: compile TypeScript to dist/, then drop dev deps ----
FROM deps AS build
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/app/.data \
    API_HOST=0.0.0.0 \
    API_PORT=3000
WORKDIR /app
# Code stays root-owned (read-only for the app); only the data dir is writable by `node`.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
# infra/migrate resolves migrations relative to its compiled location (dist/infra -> dist/prisma).
COPY --from=build /app/prisma/migrations ./dist/prisma/migrations
# The worker bundles workflow code from source at start-up (@temporalio/worker bundler).
COPY --from=build /app/tsconfig.json ./tsconfig.json
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/domain ./domain
# The officials' console: index.html, css and console/src, which the API bundles in memory with esbuild (a runtime
# dependency) on the first request of /console/app.js; its imports of domain/ resolve to dist/domain.
COPY --from=build /app/console ./dist/console
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
CMD ["node", "dist/scripts/api.js"]
