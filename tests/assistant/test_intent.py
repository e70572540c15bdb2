"""Tests for assistant/intent.py: question types from varied phrasings, places, amounts."""

import pytest

from assistant.intent import content_terms, detect_intent, named_places


@pytest.mark.parametrize("question, kind", [
    ("Mục tiêu bao phủ BHYT năm 2026 của Ninh Bình là bao nhiêu?", "target"),
    ("ty le bao phu bhyt cua hue nam 2026", "target"),
    ("Đến 2030 Đak Đoa phấn đấu đạt mấy phần trăm dân số tham gia?", "target"),
    ("Ai chịu trách nhiệm theo dõi, đôn đốc việc thực hiện kế hoạch?", "responsibility"),
    ("Cơ quan nào chủ trì tuyên truyền về BHYT cho học sinh ở Huế?", "responsibility"),
    ("don vi nao phoi hop voi BHXH thanh pho", "responsibility"),
    ("Ai chủ trì việc đạt mục tiêu bao phủ?", "responsibility"),
    ("Khi nào các sở phải gửi báo cáo kết quả thực hiện?", "deadline"),
    ("thoi han bao cao ket qua thuc hien ke hoach", "deadline"),
    ("Báo cáo phải nộp trước ngày nào?", "deadline"),
    ("Kế hoạch của Huế có những nhiệm vụ nào về chuyển đổi số?", "list"),
    ("Các giải pháp nào được đề ra để nâng cao chất lượng khám chữa bệnh?", "list"),
    ("Nội dung thực hiện gồm những gì?", "list"),
    ("Kinh phí thực hiện kế hoạch lấy từ đâu?", "funding"),
    ("nguon ngan sach nao chi tra ho tro muc dong", "funding"),
    ("So sánh mục tiêu bao phủ năm 2026 giữa Huế và Ninh Bình", "compare"),
    ("Nơi nào đặt tỷ lệ bao phủ cao nhất?", "compare"),
    ("Các địa phương đặt chỉ tiêu bao phủ năm 2030 khác nhau thế nào?", "compare"),
    ("Chỉ thị 52-CT/TW được ban hành bởi Ban Bí thư phải không?", "other"),
])
def test_detect_intent_reads_question_type(question, kind):
    assert detect_intent(question).kind == kind


def test_amount_question_is_told_apart_from_contribution():
    assert not detect_intent("Đồng Nai đặt mục tiêu bao phủ năm 2026 là bao nhiêu?").wants_amount
    assert detect_intent("Huế hỗ trợ bao nhiêu đồng mỗi thẻ BHYT cho hộ cận nghèo?").wants_amount
    assert detect_intent("ho tro bao nhieu dong moi the bhyt").wants_amount
    # "mức đóng" (to pay in) is not money asked for
    assert not detect_intent("Mức đóng BHYT hộ gia đình được hỗ trợ thế nào?").wants_amount
    assert not detect_intent("muc dong bhyt ho gia dinh").wants_amount
    # "số" of "thiểu số" and a "mức" elsewhere do not ask for a sum; the quantity goes with the money word.
    assert not detect_intent("Người dân tộc thiểu số có được hỗ trợ tiền mua thẻ không?").wants_amount
    assert detect_intent("Mỗi hộ phải nộp mấy triệu đồng?").wants_amount


def test_document_numbers_are_collected():
    intent = detect_intent("Nghị quyết 72-NQ/TW quy định những gì?")
    assert intent.doc_numbers == ("72-NQ/TW",)


def test_named_places_needs_a_name_not_a_phrase():
    assert named_places("Tỉnh Lào Cai đặt mục tiêu bao phủ bao nhiêu?") == ("Lào Cai",)
    assert named_places("muc tieu bao phu cua tinh lao cai") == ("Lào Cai",)
    assert named_places("Nâng cao bằng cách nào?") == ()
    assert named_places("Thừa Thiên Huế có kế hoạch gì?") == ("Thừa Thiên Huế",)


def test_content_terms_fold_expand_and_drop_stopwords():
    terms = content_terms("Tỷ lệ bao phủ BHYT của Huế là bao nhiêu?")
    assert terms[:2] == ["ti", "le"]  # "tỷ" and "tỉ" are one spelling
    assert content_terms("tỉ lệ")[:2] == ["ti", "le"]
    assert terms == ["ti", "le", "bao", "phu", "bhyt", "hue"]
    # the spelled-out form is one term too, so both spellings weigh the same
    assert content_terms("bảo hiểm y tế của thành phố") == ["bhyt"]
    assert "cua" not in terms and "nhieu" not in terms


def test_duty_questions_and_their_subject():
    from assistant.intent import detect_intent

    intent = detect_intent("Công an tỉnh có nhiệm vụ gì?")
    assert intent.wants_duties and intent.duty_subject == "cong an tinh"
    intent = detect_intent("Theo kế hoạch của Huế, Sở Y tế phải làm gì?")
    assert intent.wants_duties and intent.duty_subject == "so y te"
    assert not detect_intent("Ai chủ trì công tác tuyên truyền?").wants_duties


def test_years_and_present_state():
    from assistant.intent import detect_intent

    assert detect_intent("Mục tiêu năm 2030 của Huế?").years == ("2030",)
    assert detect_intent("Đến nay đã có mấy phần trăm người dân mua thẻ?").asks_current
    assert detect_intent("hien tai co bao nhieu nguoi mua the").asks_current
    assert not detect_intent("Năm 2027 cần có bao nhiêu người mua thẻ?").asks_current


def test_no_institution_noun_rule_is_left():
    from assistant.intent import detect_intent

    # The rule that read "bệnh viện nào" / "Bệnh viện <Tên>" as a focus noun is gone.
    assert not hasattr(detect_intent("Phòng khám nào nhận thẻ của tôi?"), "focus_noun")


def test_phone_typed_place_names_and_document_numbers():
    from assistant.intent import detect_intent, named_places

    assert named_places("da nang ho tro bhyt cho ai") == ("Đà Nẵng",)
    assert named_places("nang cao bang cach nao") == ()  # "nâng cao bằng cách", not Cao Bằng
    assert named_places("tang cuong hoa binh") == ()
    assert detect_intent("nghi quyet 12/2024/nq-hdnd quy dinh gi").doc_numbers == ("12/2024/NQ-HDND",)
    assert detect_intent("Chỉ thị 52-CT/TW là gì").doc_numbers == ("52-CT/TW",)


def test_everyday_money_wording_is_searched_with_the_plans_words():
    from assistant.intent import detect_intent, retrieval_query

    question = "Tiền đâu ra để chi cho các việc trong kế hoạch?"
    intent = detect_intent(question)
    assert intent.kind == "funding" and "tien" in intent.cues
    assert retrieval_query(question, intent) == question + " (kinh phí nguồn)"
    asked = "Sở Tài chính có nhiệm vụ gì?"  # "tài chính" alone adds nothing
    assert retrieval_query(asked, detect_intent(asked)) == asked
    # accent-less "tien" is also "tiến", "tiên": no money read from it
    assert "tien" not in detect_intent("tien do trien khai ke hoach").cues


def test_cues_are_matched_with_accents_when_the_question_has_them():
    from assistant.intent import detect_intent

    assert detect_intent("Nguồn lực nào được huy động thêm?").kind == "funding"  # "lực nào" is not "lúc nào"
    assert detect_intent("Tỉnh triển khai ứng dụng số nào?").kind != "responsibility"  # "số nào" is not "sở nào"
    assert "dat" not in detect_intent("Tỉnh đặt ra yêu cầu gì?").cues  # "đặt" (set) is not "đạt" (reach)
    assert detect_intent("luc nao phai nop bao cao").kind == "deadline"  # accent-less still reads


def test_list_cues_are_built_from_the_listed_nouns():
    from assistant.intent import detect_intent

    for noun in ("nhiệm vụ", "giải pháp", "biện pháp", "nội dung"):
        assert detect_intent(f"Kế hoạch nêu những {noun} chính?").kind == "list"
        assert detect_intent(f"Có {noun} nào cho vùng sâu?").kind == "list"


def test_a_question_asking_two_things_is_read_as_its_parts():
    from assistant.intent import detect_intent, question_parts

    assert question_parts("Ai chủ trì việc tuyên truyền, và báo cáo gửi về đâu?") == (
        "Ai chủ trì việc tuyên truyền", "báo cáo gửi về đâu")
    assert question_parts("Năm 2026 phủ bao nhiêu %, còn 2030 thì sao?") == ("Năm 2026 phủ bao nhiêu %", "2030 thì sao")
    assert question_parts("ai chu tri va khi nao phai xong") == ("ai chu tri", "khi nao phai xong")
    # One question word: one part, whatever "và" joins.
    assert question_parts("Sở Y tế và BHXH tỉnh phải làm gì?") == ()
    assert question_parts("Mục tiêu năm 2026 và năm 2030 là bao nhiêu?") == ()
    intent = detect_intent("Việc này làm khi nào, và giao cho ai thực hiện?")
    assert intent.kind == "responsibility" and intent.kinds == ("responsibility", "deadline")
    assert detect_intent("Ai chủ trì công tác tuyên truyền?").kinds == ("responsibility",)
    assert detect_intent("Ai chủ trì công tác tuyên truyền?").parts == ()
