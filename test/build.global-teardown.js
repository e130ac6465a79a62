// Stops the containers the global setup started for this run (none on our machines).
module.exports = async function globalTeardown() {
  await globalThis.__cvfTestContainers?.stop();
};
