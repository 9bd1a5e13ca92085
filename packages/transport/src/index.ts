// @geostage/transport: where a command runs: local, namespace, SSH, jump host.
export {};
