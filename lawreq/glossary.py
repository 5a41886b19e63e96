"""One glossary for the interface and the PDF forms: interface message → PDF label key.

The legal terms of Reg. (EU) 2023/1543 are worded once, in the PDF label catalogues (``lawreq/pdf/labels``), after
the official language versions; the interface catalogues must use the same words. ``tests/i18n`` checks every
language: the interface translation of each message here equals the PDF label of its key.
"""

GLOSSARY = {
    "subscriber data": "cat_subscriber_data",
    "traffic data": "cat_traffic_data",
    "content data": "cat_content_data",
    "data requested for the sole purpose of identifying the user": "cat_identification_data",
    "designated establishment": "addr_designated",
    "legal representative": "addr_legal_rep",
}
