// Exports of the plan for other tools: an Ansible inventory and playbook (ansible.ts, pure; how
// each host is reached comes from @geostage/schema's inventory) and the writer (write.ts).
export {
  ANSIBLE_INVENTORY,
  ANSIBLE_PLAYBOOK,
  ANSIBLE_VARS,
  type AnsibleExport,
  type AnsibleExportInput,
  exportAnsible,
  publicFilesOf,
  siteGroup,
} from './ansible.ts';
export { ANSIBLE_EXPORT_FOLDER, type ExportWrite, writeAnsibleExport } from './write.ts';
