# workerd config for the menu example: `workerd serve workerd.capnp --socket-addr http=127.0.0.1:P`
# (npm run example:runtime -- workerd --port P). The Worker is dist/worker.bundle.js (npm run build).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "menu", worker = .menuWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8787", http = (), service = "menu")],
);

const menuWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "dist/worker.bundle.js")],
  compatibilityDate = "2026-11-01",
  # The settings come from the environment workerd starts in (null when unset).
  bindings = [
    (name = "SIPHOOK_TRUST_KEY", fromEnvironment = "SIPHOOK_TRUST_KEY"),
    (name = "SIPHOOK_PROMPTS_URL", fromEnvironment = "SIPHOOK_PROMPTS_URL"),
    (name = "SIPHOOK_PUBLIC_URL", fromEnvironment = "SIPHOOK_PUBLIC_URL"),
    (name = "SIPHOOK_ALLOW_LIST", fromEnvironment = "SIPHOOK_ALLOW_LIST"),
    (name = "SIPHOOK_BASIC_AUTH", fromEnvironment = "SIPHOOK_BASIC_AUTH"),
    (name = "SIPHOOK_DEADLINE_MS", fromEnvironment = "SIPHOOK_DEADLINE_MS"),
    (name = "SIPHOOK_EXAMPLE_FAULTS", fromEnvironment = "SIPHOOK_EXAMPLE_FAULTS"),
  ],
);
