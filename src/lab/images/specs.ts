// What each lab image is: its component, the version it claims, and its upstream-style file name.
// v1 -> v2 is what the end-to-end update test rolls out; v2's MISP stand-in migrates the schema (1 -> 2) in runUpdates.

export const LAB_IMAGE_VERSIONS = ['v1', 'v2'] as const;
export type LabImageVersion = (typeof LAB_IMAGE_VERSIONS)[number];

export type LabComponent = 'misp' | 'mysql' | 'valkey' | 'modules';

export interface LabImageSpec {
  component: LabComponent;
  upstreamVersion: string;
  /** database schema version the MISP stand-in's runUpdates migrates to */
  schema: number;
  /** named as upstream names its downloads: MISP_<tag>_<sha>, MySQL_<ver>, Redis_<ver>, Modules_<ver> */
  fileName: string;
  /** directories the image must contain although git does not track empty ones */
  extraDirs: string[];
}

const MISP_DATA_DIRS = [
  'var/www/MISP/app/files',
  'var/www/MISP/app/tmp',
  'var/www/MISP/app/webroot/img',
  'var/www/MISP/app/View/Emails/html/Custom',
  'var/www/MISP/app/View/Emails/text/Custom',
  'var/www/MISP/app/Plugin/CakeResque/Config',
  'var/www/MISP/.gnupg',
  'var/lib/php/sessions',
  'etc/ssl/private',
];

export function labImageSpecs(version: LabImageVersion): LabImageSpec[] {
  const n = version === 'v1' ? 1 : 2;
  // a fixed, made-up commit id per version: upstream's MISP file names carry the image's git commit
  const commit = n === 1 ? '1a0b1c1' : '2a0b2c2';
  return [
    { component: 'misp', upstreamVersion: `v2.5.${n}`, schema: n, fileName: `MISP_v2.5.${n}_${commit}.tar.gz`, extraDirs: MISP_DATA_DIRS },
    { component: 'mysql', upstreamVersion: `10.11.${n}-lab`, schema: n, fileName: `MySQL_10.11.${n}-lab.tar.gz`, extraDirs: [] },
    { component: 'valkey', upstreamVersion: `7.0.${n}-lab`, schema: n, fileName: `Redis_7.0.${n}-lab.tar.gz`, extraDirs: [] },
    { component: 'modules', upstreamVersion: `2.4.${n}-lab`, schema: n, fileName: `Modules_2.4.${n}-lab.tar.gz`, extraDirs: [] },
  ];
}
