import autocannon from 'autocannon';
const [port, rate] = process.argv.slice(2);
const run = (path, r, c) => new Promise((res) => autocannon({ url: `http://127.0.0.1:${port}${path}`, overallRate: r, connections: c, duration: 8 }, res));
await Promise.all([run('/ok', Number(rate), 20), run('/block', 3, 4)]);
