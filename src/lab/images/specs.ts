// What each lab image is. Two versions of the same stack, for the end-to-end update test: v1 and v2 are two builds of
// the same sources (MISP 2.5.1 at the commit SOURCES.txt names, Debian trixie's MariaDB and Valkey) that differ only
// by their build id, so their LXD fingerprints differ and an update really replaces every container.

export const LAB_IMAGE_VERSIONS = ['v1', 'v2'] as const;
export type LabImageVersion = (typeof LAB_IMAGE_VERSIONS)[number];

export type LabComponent = 'misp' | 'mysql' | 'valkey' | 'modules';
export const LAB_COMPONENTS: readonly LabComponent[] = ['misp', 'mysql', 'valkey', 'modules'];

/** The misp-modules stand-in's version (its real Python dependencies are not reachable here). */
export const MODULES_STANDIN_VERSION = '3.0.2-lab';

export interface LabImageSpec {
  component: LabComponent;
  /** the component's own version: MISP's VERSION.json, the Debian package's upstream version */
  upstreamVersion: string;
  /** named as upstream names its downloads: MISP_v<tag>_<commit>, MySQL_<ver>, Valkey_<ver>, Modules_<ver> */
  fileName: string;
  /** distinguishes two builds of the same sources (in metadata.yaml and /etc/airlock-lab/build-id) */
  buildId: string;
}

/** Versions found in the built rootfs (known only after the build's apt step). */
export interface LabBuiltVersions {
  misp: string;
  mispCommit: string;
  mariadb: string;
  valkey: string;
}

export function labImageSpecs(version: LabImageVersion, built: LabBuiltVersions): LabImageSpec[] {
  const buildId = `airlock-lab-${version}`;
  return [
    { component: 'misp', upstreamVersion: `v${built.misp}`, fileName: `MISP_v${built.misp}_${built.mispCommit}.tar.gz`, buildId },
    { component: 'mysql', upstreamVersion: built.mariadb, fileName: `MySQL_${built.mariadb}.tar.gz`, buildId },
    { component: 'valkey', upstreamVersion: built.valkey, fileName: `Valkey_${built.valkey}.tar.gz`, buildId },
    { component: 'modules', upstreamVersion: MODULES_STANDIN_VERSION, fileName: `Modules_${MODULES_STANDIN_VERSION}.tar.gz`, buildId },
  ];
}
