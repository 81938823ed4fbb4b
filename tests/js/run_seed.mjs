// Runs one of the seed's functions against a real server and prints what happened as JSON.
// Usage: node run_seed.mjs BASE_URL FUNCTION ID
// The seed's code fetches relative URLs, as a page served by Umbraco would; resolving them
// against BASE_URL is the only thing changed, and it is done here, around fetch.
import * as seed from "./seed_client.mjs";

const [baseUrl, name, id] = process.argv.slice(2);
const realFetch = globalThis.fetch;
globalThis.fetch = (url, options) => realFetch(new URL(url, baseUrl), options);

try {
    const value = await seed[name](id);
    console.log(JSON.stringify({ resolved: true, value: value ?? null }));
} catch (error) {
    console.log(JSON.stringify({ resolved: false, message: error.message }));
}
