<?php
// MISP's app/Config/core.php require_once's Composer's autoloader. Packagist is not reachable from the image build,
// so the PHP libraries MISP uses come from Debian packages (php-monolog, php-guzzlehttp-guzzle, ...), each with its
// own autoloader; this file loads those that are installed. Libraries not in Debian (otphp, browscap, geoip2,
// supervisorphp) are guarded by class_exists() in MISP: see src/lab/images/README.md.
foreach ([
    '/usr/share/php/Psr/Log/autoload.php',
    '/usr/share/php/Monolog/autoload.php',
    '/usr/share/php/GuzzleHttp/autoload.php',
    '/usr/share/php/ParagonIE/ConstantTime/autoload.php',
    '/usr/share/php/Bacon/BaconQrCode/autoload.php',
    '/usr/share/php/League/Flysystem/autoload.php',
] as $airlock_autoload) {
    if (is_file($airlock_autoload)) {
        require_once $airlock_autoload;
    }
}
unset($airlock_autoload);
