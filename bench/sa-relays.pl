#!/usr/bin/perl
# SpamAssassin's relay extraction over a folder of messages, for `make bench`
# (scripts/bench.mjs): the comparison point for our analysis (issue #7).
#
# For each message: Mail::SpamAssassin->parse (headers; the body's MIME tree is left
# lazy, which is SpamAssassin's fastest path), then PerMsgStatus +
# extract_message_metadata, which parses the Received headers into the trusted /
# untrusted relay lists. No rules are run, no network: local_tests_only, no DNS.
# Files are read into memory first; only the loop is timed (per message and per pass).
#
# usage: perl bench/sa-relays.pl DIR [PASSES]   → one line of JSON on stdout
use strict;
use warnings;
use Time::HiRes qw(time);
use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;

my ($dir, $passes) = @ARGV;
die "usage: $0 DIR [PASSES]\n" unless defined $dir && -d $dir;
$passes //= 3;

opendir(my $dh, $dir) or die "cannot read $dir: $!\n";
my @files = sort grep { /\.eml$/ } readdir($dh);
closedir($dh);
die "no *.eml files in $dir\n" unless @files;
my @messages;
for my $name (@files) {
  open(my $fh, '<:raw', "$dir/$name") or die "cannot read $dir/$name: $!\n";
  local $/;
  push @messages, scalar <$fh>;
  close($fh);
}

my $sa = Mail::SpamAssassin->new({
  local_tests_only => 1,      # no network tests
  dont_copy_prefs  => 1,
  username         => 'sendertrace-bench',
  userprefs_filename => '/dev/null',
  post_config_text => "dns_available no\nuse_bayes 0\nuse_auto_whitelist 0\nskip_rbl_checks 1\n",
});
$sa->init(1);

my ($trusted, $untrusted, $with_relays, $parsed_relays) = (0, 0, 0, 0);
my $best;
my @fastest;    # per message, its fastest run over the passes
for my $pass (1 .. $passes) {
  my ($t, $u, $w) = (0, 0, 0);
  my $start = time();
  for my $i (0 .. $#messages) {
    my $text = $messages[$i];
    my $t0 = time();
    my $msg = $sa->parse($text, 0);
    my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
    $msg->extract_message_metadata($pms);
    my $md = $msg->{metadata};
    my $nt = scalar @{ $md->{relays_trusted} || [] };
    my $nu = scalar @{ $md->{relays_untrusted} || [] };
    $t += $nt;
    $u += $nu;
    $w += 1 if $nt + $nu > 0;
    $pms->finish();
    $msg->finish();
    my $dt = time() - $t0;
    $fastest[$i] = $dt if !defined $fastest[$i] || $dt < $fastest[$i];
  }
  my $elapsed = time() - $start;
  $best = $elapsed if !defined $best || $elapsed < $best;
  ($trusted, $untrusted, $with_relays) = ($t, $u, $w);
}

my $n = scalar @messages;
my $sum = 0;
$sum += $_ for @fastest;
# messages_per_second: from the sum of each message's fastest run. A whole pass takes
# a few hundred milliseconds, too long to find a quiet moment on a busy machine, while
# our side's passes take a few milliseconds; per-message minima put both sides on the
# same footing. The best whole pass is reported too.
printf '{"tool":"SpamAssassin %s","messages":%d,"passes":%d,"best_pass_seconds":%.6f,"best_pass_messages_per_second":%.1f,'
  . '"sum_of_fastest_seconds":%.6f,"messages_per_second":%.1f,"relays_trusted":%d,"relays_untrusted":%d,"messages_with_relays":%d}' . "\n",
  Mail::SpamAssassin::Version(), $n, $passes, $best, $n / $best, $sum, $n / $sum, $trusted, $untrusted, $with_relays;
