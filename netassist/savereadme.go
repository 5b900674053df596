package netassist

// savedReadme is README.txt in every save folder: what its files hold, for
// someone who finds the folder without the program's README at hand.
const savedReadme = `NetAssist saved traffic (format 2)

This folder holds one session's traffic from the moment saving began until
it stopped. Nothing was dropped: when the disk was slower than the network,
NetAssist read more slowly instead.

Raw files hold exactly the bytes that crossed the network, nothing added:

  connN_IP_PORT.rx   bytes received on connection N from peer IP:PORT
  connN_IP_PORT.tx   bytes sent on connection N to that peer
  udp.rx, udp.tx     a UDP session's datagrams received and sent, one after
                     another (events.jsonl says where each one starts)

A relay pair N has two legs, each with its own files:

  connN_client_IP_PORT.rx   what the client sent (held bytes too)
  connN_server_IP_PORT.tx   what was passed on to the server (as forwarded)
  connN_server_IP_PORT.rx   what the server sent
  connN_client_IP_PORT.tx   what was passed on to the client

IPv6 addresses have '-' in place of ':'. Connection numbers are never reused
within a folder.

events.jsonl has one JSON object per line. The first line is
  {"time":...,"session":...,"event":"save","format":2}
and every other line is one event, in the order it happened:

  time     RFC 3339 with nanoseconds
  session  the session's name
  event    open, close, connect, disconnect, rx, tx or error
  conn     the connection number (TCP and HTTP; absent for UDP)
  peer     IP:PORT of the other end
  bytes    payload length (rx and tx)
  file     rx and tx: the raw file holding the payload
  offset   rx and tx: where in that file the payload starts
  detail   how a connection ended (fin, rst, local, abort, error), an
           error message, or the local address on open
  rule     tx only: the name of the rule that sent this automatic reply
  leg      a relay's side of the pair: client or server

So the payload of an rx or tx event is the "bytes" bytes of "file" starting
at "offset". For TCP, the rx events of one connection, in order, cover its
.rx file exactly; each UDP datagram is one event.
`
