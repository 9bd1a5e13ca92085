// @geostage/lab: the environment on one machine: namespaces, real OpenVPN, sshd; publishes an inventory.
export {};
