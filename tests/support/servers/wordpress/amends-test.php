<?php
/*
 * Plugin Name: Amends test site
 * Description: Must-use plugin of the Amends test harness: no mail leaves the test site.
 */
add_filter('pre_wp_mail', '__return_true');
