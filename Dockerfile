# syntax=docker/dockerfile:1
# One image for every service; the command picks the app (see docker-compose.yml, k8s/).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --loglevel=warn --no-fund --no-audit
COPY tsconfig.json .swcrc ./
COPY apps ./apps
COPY libs ./libs
# Service code only: the benchmarks and test support (`npm run build`) stay out of the image.
RUN npm run build:services && npm prune --omit=dev --loglevel=warn

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000
# Liveness is cheap; readiness checks PostgreSQL, Redis and (distributed mode) Kafka.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/apps/all-in-one/src/main.js"]
