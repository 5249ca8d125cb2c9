// The local stack's S3 server: fauxqs (an S3/SQS/SNS emulator) serving S3 only, on 127.0.0.1, objects in files.
//
// usage: node server.mjs --port PORT --directory DIR --bucket NAME
//
// Not fauxqs's own start function: it listens on 0.0.0.0 whatever it is told (dist/app.js), and everything here binds
// to 127.0.0.1. The stores are wired as that function wires them, with its file persistence (bodies on disk, only the
// metadata in memory), so objects survive a restart and a day of raw pages does not sit in the heap.
import { buildApp } from "fauxqs";
// The package exports only its entry point; the stores are reached by path (pinned version: see package-lock.json).
import { S3Store } from "./node_modules/fauxqs/dist/s3/s3Store.js";
import { SqsStore } from "./node_modules/fauxqs/dist/sqs/sqsStore.js";
import { SnsStore } from "./node_modules/fauxqs/dist/sns/snsStore.js";
import { FileS3Persistence } from "./node_modules/fauxqs/dist/s3/fileS3Persistence.js";

const options = { port: undefined, directory: undefined, buckets: [] };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  switch (args[i]) {
    case "--port": options.port = Number.parseInt(args[++i], 10); break;
    case "--directory": options.directory = args[++i]; break;
    case "--bucket": options.buckets.push(args[++i]); break;
    default: console.error(`unknown option ${args[i]}`); process.exit(2);
  }
}
if (!Number.isInteger(options.port) || !options.directory) {
  console.error("usage: node server.mjs --port PORT --directory DIR [--bucket NAME]...");
  process.exit(2);
}

// S3 lists keys in the byte order of their UTF-8; fauxqs 2.4.1 sorts them with localeCompare, which orders "a_b",
// "a-b" and "A" differently, while it pages on a plain `<=` comparison: keys that differ there are listed twice or
// not at all across pages. The same listing, in code-point order (UTF-8 byte order for every key without surrogates).
const byteOrder = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const fauxqsList = S3Store.prototype.listObjects;
S3Store.prototype.listObjects = function (bucket, listing) {
  const objects = this.buckets.get(bucket);
  if (!objects) {
    return fauxqsList.call(this, bucket, listing); // its NoSuchBucket error
  }
  const prefix = listing?.prefix ?? "";
  const delimiter = listing?.delimiter;
  const maxKeys = listing?.maxKeys ?? 1000;
  const startAfter = listing?.startAfter ?? listing?.marker ?? "";
  const keys = Array.from(objects.values()).filter((o) => o.key.startsWith(prefix)).sort((a, b) => byteOrder(a.key, b.key));
  const result = [];
  const commonPrefixes = new Set();
  let isTruncated = false;
  for (const o of keys) {
    if (startAfter && o.key <= startAfter) continue;
    let common;
    if (delimiter) {
      const at = o.key.indexOf(delimiter, prefix.length);
      common = at >= 0 ? o.key.slice(0, at + delimiter.length) : undefined;
      if (common !== undefined && ((startAfter && common <= startAfter) || commonPrefixes.has(common))) continue;
    }
    if (result.length + commonPrefixes.size >= maxKeys) {
      isTruncated = true;
      break;
    }
    if (common !== undefined) commonPrefixes.add(common);
    else result.push(o);
  }
  return { objects: result, commonPrefixes: Array.from(commonPrefixes).sort(byteOrder), isTruncated };
};

const s3Store = new S3Store();
const persistence = new FileS3Persistence(options.directory);
persistence.loadS3(s3Store); // before it is attached, as fauxqs's own start does: loading must not write back
s3Store.persistence = persistence;
for (const bucket of options.buckets) {
  s3Store.createBucket(bucket); // idempotent
}

const app = buildApp({ logger: false, stores: { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store } });
// fauxqs caps every request body at 11 MiB (dist/app.js); S3 takes up to 5 GB in one PUT, and a lake part of a large
// day can pass 11 MiB. The same parser for every content type, with room for any object the pipeline writes.
app.removeContentTypeParser("*");
app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 1024 ** 3 }, (_request, body, done) => done(null, body));
// SQS, SNS and STS share one entry point, a POST to "/", which S3 never uses: closed.
app.addHook("onRequest", (request, reply, done) => {
  if (request.method === "POST" && (request.url === "/" || request.url.startsWith("/?"))) {
    reply.code(404).send({ error: "only S3 is served here" });
    return;
  }
  done();
});
app.addHook("preClose", () => persistence.close());

const address = await app.listen({ port: options.port, host: "127.0.0.1" });
console.log(`S3 server (fauxqs) on ${address}, objects in ${options.directory}, buckets ${[...s3Store.buckets.keys()].join(", ")}`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await app.close();
    process.exit(0);
  });
}
